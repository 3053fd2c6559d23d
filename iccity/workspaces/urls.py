from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("", views.home, name="home"),
    path("work/switch/", views.switch, name="switch"),
    path("work/office/", views.office, name="office"),
    path("work/taskforce/", views.taskforce, name="taskforce"),
]
