from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.wave_list, name="waves"),
    path("<slug:wave>/", views.wave_index, name="index"),
    path("<slug:wave>/<slug:area>/", views.survey_form, name="form"),
    path("<slug:wave>/<slug:area>/thanks/", views.thanks, name="thanks"),
]
