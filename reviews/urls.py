from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("medical-advisory-board/", views.board, name="board"),
]
