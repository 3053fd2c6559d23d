"""Indicators: a catalogue with ICC dimensions as data, observations with vintages (releases), targets, and
frozen composite-index editions."""
from .catalogue import Dimension, Framework, Indicator, IndicatorDimension  # noqa: F401
from .data import Observation, Release, ReleaseStatus  # noqa: F401
from .index import IndexEdition  # noqa: F401
from .targets import IndicatorTarget, TargetKind, TargetStatus  # noqa: F401
