from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("calendar.ics", views.calendar_feed, name="feed"),
]
