from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("personalize/", views.personalize, name="personalize"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/follow-up/", views.follow_up, name="follow-up"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
