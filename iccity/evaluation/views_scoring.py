"""Pages of the evaluation app (views_scoring)."""
urlpatterns: list = []
