from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from articles import structured_data
from articles.context_processors import site_url_of

from articles.http_cache import public_page

from .models import BoardMember


@public_page
def board(request):
    """The Medical Advisory Board: who reviews the articles."""
    members = list(BoardMember.objects.active())
    site_url = site_url_of(request)
    json_ld = structured_data.json_ld_script(
        structured_data.board_data(
            members, board_url=site_url + reverse("reviews:board"), site_url=site_url + "/", site_name=settings.SITE_NAME
        )
    )
    return render(
        request,
        "reviews/board.html",
        {"members": members, "has_demo_members": any(m.is_demo for m in members), "structured_data": json_ld},
    )
