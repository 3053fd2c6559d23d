"""Each area of the app keeps its URL patterns next to its views; this module joins them."""
from . import views_dashboards, views_lights, views_scoring

app_name = "evaluation"

urlpatterns = views_lights.urlpatterns + views_scoring.urlpatterns + views_dashboards.urlpatterns
