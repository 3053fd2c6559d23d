"""Pages of the reports app (views_documents)."""
urlpatterns: list = []
