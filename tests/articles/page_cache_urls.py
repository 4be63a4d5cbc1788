"""A page with a form behind the article page cache, and a CSRF-protected endpoint to post it to."""

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from articles.cache import cache_article_page
from qa_site.urls import urlpatterns as site_urlpatterns

FORM = Template('<h1>{{ slug }}</h1><form method="post" action="/post/">{% csrf_token %}<button>Send</button></form>')


@cache_article_page
def page_with_form(request, slug):
    return HttpResponse(FORM.render(RequestContext(request, {"slug": slug})))


def accept_post(request):
    return HttpResponse("received")


urlpatterns = [path("articles/<slug:slug>/", page_with_form), path("post/", accept_post), *site_urlpatterns]
