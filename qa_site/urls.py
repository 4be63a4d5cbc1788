from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from django.views.generic import TemplateView
from django.contrib.sitemaps.views import sitemap
from markdownx.views import MarkdownifyView

from articles.feeds import NewlyApprovedFeed
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    # The editor's live preview, for staff only. Image upload is not routed: the
    # sanitiser allows no images, so uploads could only fill the disk.
    path("markdownx/markdownify/", staff_member_required(MarkdownifyView.as_view()), name="markdownx_markdownify"),
    path("editorial-policy/", TemplateView.as_view(template_name="pages/editorial_policy.html"), name="editorial-policy"),
    path("disclaimer/", TemplateView.as_view(template_name="pages/disclaimer.html"), name="disclaimer"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/approved/", NewlyApprovedFeed(), name="feed-approved"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    path("", include("reviews.urls")),
    path("", include("articles.urls")),
]

# Error pages that render without the database or a CSRF token (qa_site/errors.py).
handler400 = "qa_site.errors.bad_request"
handler403 = "qa_site.errors.permission_denied"
handler404 = "qa_site.errors.page_not_found"
handler500 = "qa_site.errors.server_error"
