from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]
