"""Pages of the evaluation app live in views_lights (lights, ratings), views_scoring (league table, points, quality
flags) and views_dashboards (command screen, leader summary, public progress)."""
from .views_dashboards import *  # noqa: F401,F403
from .views_lights import *  # noqa: F401,F403
from .views_scoring import *  # noqa: F401,F403
