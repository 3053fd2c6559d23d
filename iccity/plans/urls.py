from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/import/", views.import_plan, name="import_new"),
    path("plans/<slug:slug>/", views.overview, name="overview"),
    path("plans/<slug:slug>/tasks/<str:key>/", views.task_detail, name="task"),
    path("plans/<slug:slug>/tasks/<str:key>/assignments/<int:pk>/role/", views.set_role, name="set_role"),
    path("plans/<slug:slug>/matrix/", views.matrix, name="matrix"),
    path("plans/<slug:slug>/versions/", views.versions, name="versions"),
    path("plans/<slug:slug>/versions/<int:number>/diff/", views.version_diff, name="diff"),
    path("plans/<slug:slug>/import/", views.import_plan, name="import"),
]
