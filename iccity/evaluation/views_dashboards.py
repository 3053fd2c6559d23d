"""Pages of the evaluation app (views_dashboards)."""
urlpatterns: list = []
