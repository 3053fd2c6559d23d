"""评估考核: computed task lights and their transition log, quarterly likelihood-of-delivery ratings, unit scoring
runs traced to the events that caused each point, and report-quality flags."""
from .adjustments import ScoreAdjustment  # noqa: F401
from .lights import LightTransition, TaskLight  # noqa: F401
from .quality import QualityFlag, QualityFlagCode  # noqa: F401
from .ratings import DeliveryRating, RatingLevel  # noqa: F401
from .scoring import ScoreEntry, ScoreRun, UnitScore  # noqa: F401
