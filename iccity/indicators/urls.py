from django.urls import path

from . import views, views_import, views_index, views_indicator

app_name = "indicators"
# Fixed paths come before <slug:code>/: an indicator code "import" or "index" would be shadowed (codes are ours).
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("import/", views_import.import_observations, name="import"),
    path("import/template.<str:kind>", views_import.template_download, name="template"),
    path("index/", views_index.edition_list, name="index_list"),
    path("index/new/", views_index.edition_create, name="edition_create"),
    path("index/<int:pk>/", views_index.edition_detail, name="edition"),
    path("<slug:code>/", views_indicator.detail, name="detail"),
    path("<slug:code>/data.csv", views_indicator.download_csv, name="download_csv"),
    path("<slug:code>/data.xlsx", views_indicator.download_xlsx, name="download_xlsx"),
    path("<slug:code>/observations/", views_indicator.add_observation, name="add_observation"),
    path("<slug:code>/publication/", views_indicator.set_published, name="set_published"),  # figures: 公开发布
]
