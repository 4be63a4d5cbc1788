from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/", include("markdownx.urls")),
    path("editorial-policy/", TemplateView.as_view(template_name="pages/editorial_policy.html"), name="editorial-policy"),
    path("disclaimer/", TemplateView.as_view(template_name="pages/disclaimer.html"), name="disclaimer"),
    path("", include("reviews.urls")),
    path("", include("articles.urls")),
]
