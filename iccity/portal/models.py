"""The public portal keeps no tables of its own: every page reads published content through the domain apps' read
functions (plans, evaluation.public, indicators, events, surveys), so nothing shown here can drift from its source.

It is the top layer: it may import any domain app; no app imports it."""
