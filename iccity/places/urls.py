from django.urls import path

from . import views, views_coordinates

app_name = "places"

urlpatterns = [
    path("", views.place_map, name="map"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coordinates/", views_coordinates.coordinates_page, name="coordinates"),
    path("coordinates/set/", views_coordinates.set_coordinates, name="set_coordinates"),
    path("coordinates/import/", views_coordinates.import_coordinates, name="import_coordinates"),
]
