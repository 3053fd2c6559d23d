from django.urls import path

from iccity.core.views_auth import legacy_redirect

from . import views, views_notices, views_office, views_reports, views_review, views_tasks

app_name = "delivery"
urlpatterns = [
    path("", views.my_tasks, name="home"),
    path("login/", legacy_redirect("accounts:login"), name="login"),  # the single login is core's /accounts/login/
    path("acknowledgements/<int:pk>/", views.acknowledge, name="acknowledge"),
    path("notices/", views_notices.notice_centre, name="notices"),
    path("notices/read-all/", views_notices.mark_all_read, name="notices_read_all"),
    path("notices/preferences/", views_notices.notice_preferences, name="notice_preferences"),
    path("notices/<int:pk>/read/", views.mark_notice_read, name="notice_read"),
    path("work-items/<int:pk>/extension/", views.request_extension, name="request_extension"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report"),
    path("reports/<int:pk>/unit-decision/", views_reports.unit_decision, name="unit_decision"),
    path("reports/<int:pk>/review/", views_reports.review_decision, name="review_decision"),
    path("evidence/<int:pk>/", views_reports.download_evidence, name="evidence"),
    path("evidence/<int:pk>/remove/", views_reports.remove_evidence, name="remove_evidence"),
    path("review/", views_review.review_queue, name="review"),
    path("review/batch-accept/", views_review.batch_accept, name="review_batch"),
    path("tasks/<int:pk>/", views_tasks.task_timeline, name="task"),
    path("tasks/<int:pk>/propose/", views_tasks.propose_items, name="propose_items"),
    path("tasks/<int:pk>/items/", views_tasks.add_item, name="add_item"),
    path("tasks/<int:pk>/comments/", views_tasks.add_comment, name="add_comment"),
    path("work-items/<int:pk>/edit/", views_tasks.edit_item, name="edit_item"),
    path("work-items/<int:pk>/complete/", views_tasks.complete_item, name="complete_item"),
    path("extensions/<int:pk>/decide/", views_tasks.decide_extension, name="decide_extension"),
    path("overview/", views_office.overview, name="overview"),
    path("figures/", views_office.figures_help, name="figures_help"),  # figures: 统计口径
    path("task-forces/", views_office.task_forces, name="task_forces"),
    path("task-forces/create/", views_office.create_task_force, name="create_task_force"),
    path("task-forces/<int:pk>/members/", views_office.set_member, name="set_member"),
    path("task-forces/<int:pk>/members/<int:person_pk>/remove/", views_office.remove_member, name="remove_member"),
    path("task-forces/<int:pk>/tasks/", views_office.set_tasks, name="set_tasks"),
]
