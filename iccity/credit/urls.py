from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("", views.disclosure, name="disclosure"),
    path("office/", views.office, name="office"),
]
