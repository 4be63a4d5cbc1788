from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from django.views.generic import TemplateView
from django.contrib.sitemaps.views import sitemap
from markdownx.views import MarkdownifyView

from articles.feeds import NewlyApprovedFeed
from articles.http_cache import public_page
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    # The editor's live preview, for staff only. Image upload is not routed: the
    # sanitiser allows no images, so uploads could only fill the disk.
    path("markdownx/markdownify/", staff_member_required(MarkdownifyView.as_view()), name="markdownx_markdownify"),
    # Public pages (public_page): the same for every anonymous reader, so shared caches hold them.
    path("editorial-policy/", public_page(TemplateView.as_view(template_name="pages/editorial_policy.html")), name="editorial-policy"),
    path("disclaimer/", public_page(TemplateView.as_view(template_name="pages/disclaimer.html")), name="disclaimer"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/approved/", public_page(NewlyApprovedFeed()), name="feed-approved"),
    path("robots.txt", public_page(TemplateView.as_view(template_name="robots.txt", content_type="text/plain"))),
    path("", include("reviews.urls")),
    path("", include("articles.urls")),
]
