from django.shortcuts import render

from .models import BoardMember


def board(request):
    """The Medical Advisory Board: who reviews the articles."""
    return render(request, "reviews/board.html", {"members": BoardMember.objects.active()})
