from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.place_map, name="map"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("coverage/", views.coverage_page, name="coverage"),
]
