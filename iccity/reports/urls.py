"""Each area of the app keeps its URL patterns next to its views; this module joins them."""
from . import views_documents, views_ledger

app_name = "reports"

urlpatterns = views_documents.urlpatterns + views_ledger.urlpatterns
