from django.urls import path

from . import views, views_review

app_name = "plans"
urlpatterns = [
    path("plans/", views.home, name="home"),
    path("plans/import/", views.import_plan, name="import_new"),
    path("plans/import/drafts/<int:pk>/", views_review.review, name="review"),
    path("plans/import/drafts/<int:pk>/correct/", views_review.correct, name="review_correct"),
    path("plans/import/drafts/<int:pk>/commit/", views_review.commit, name="review_commit"),
    path("plans/<slug:slug>/", views.overview, name="overview"),
    path("plans/<slug:slug>/tasks/<str:key>/", views.task_detail, name="task"),
    path("plans/<slug:slug>/tasks/<str:key>/assignments/<int:pk>/role/", views.set_role, name="set_role"),
    path("plans/<slug:slug>/matrix/", views.matrix, name="matrix"),
    path("plans/<slug:slug>/versions/", views.versions, name="versions"),
    path("plans/<slug:slug>/versions/<int:number>/diff/", views.version_diff, name="diff"),
    path("plans/<slug:slug>/import/", views.import_plan, name="import"),
]
