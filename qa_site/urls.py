from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView


class FaviconView(RedirectView):
    """/favicon.ico → the hashed static icon (looked up per request: the manifest exists only after collectstatic)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


from django.contrib.sitemaps.views import sitemap

from articles import preview
from articles.feeds import NewlyApprovedFeed
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    # The editor's live preview (markdownx posts here), for staff only, numbering citations as the page
    # will. Image upload is not routed: the sanitiser allows no images, so uploads could only fill the disk.
    path("markdownx/markdownify/", preview.preview, name="markdownx_markdownify"),
    path("editorial-policy/", TemplateView.as_view(template_name="pages/editorial_policy.html"), name="editorial-policy"),
    path("disclaimer/", TemplateView.as_view(template_name="pages/disclaimer.html"), name="disclaimer"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/approved/", NewlyApprovedFeed(), name="feed-approved"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", FaviconView.as_view()),
    path("", include("reviews.urls")),
    path("", include("articles.urls")),
]
