from django.shortcuts import render

from articles.http_cache import public_page

from .models import BoardMember


@public_page
def board(request):
    """The Medical Advisory Board: who reviews the articles."""
    members = list(BoardMember.objects.active())
    return render(
        request, "reviews/board.html", {"members": members, "has_demo_members": any(m.is_demo for m in members)}
    )
