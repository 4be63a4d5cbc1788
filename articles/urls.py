from django.urls import path

from . import changelog, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("personalize/", views.personalize, name="personalize"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/follow-up/", views.follow_up, name="follow-up"),
    path("articles/<slug:slug>/follow-up/<str:token>/", views.follow_up_sent, name="follow-up-sent"),
    path("articles/<slug:slug>/changes/", changelog.article_changes, name="changes"),
    path("articles/<slug:slug>/changes/feed/", changelog.ArticleChangeLogFeed(), name="changes-feed"),
    path("changes/feed/", changelog.ChangeLogFeed(), name="changes-feed-all"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
