"""Pages of the reports app (views_ledger)."""
urlpatterns: list = []
