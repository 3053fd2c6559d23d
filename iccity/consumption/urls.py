from django.urls import path

from . import views

app_name = "consumption"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("impact/", views.impact, name="impact"),
]
