"""Complaint pages under /complaints/; the Open311 endpoint (``open311.urlpatterns``) is included at /open311/v2/."""
from django.urls import path

from . import views, views_handler

app_name = "complaints"

urlpatterns = [
    path("new/", views.intake, name="new"),
    path("receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("disclosure.csv", views.disclosure_csv, name="disclosure_csv"),
    path("cases/", views_handler.case_list, name="case_list"),
    path("cases/export.csv", views_handler.export_csv, name="export"),
    path("cases/workload/", views_handler.workload, name="workload"),
    path("cases/<int:pk>/", views_handler.case_detail, name="case"),
    path("cases/<int:pk>/transition/", views_handler.transition, name="transition"),
    path("cases/<int:pk>/first-contact/", views_handler.first_contact, name="first_contact"),
    path("cases/<int:pk>/notices/<int:notice_pk>.docx", views_handler.notice_docx, name="notice_docx"),
]
