from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<str:name>/", views.job_runs, name="job_runs"),
]
