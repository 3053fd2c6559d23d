"""Pages of the evaluation app (views_lights)."""
urlpatterns: list = []
