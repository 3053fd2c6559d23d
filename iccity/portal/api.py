"""No router of its own: the portal's content is already served by the domain apps' APIs (/api/plans, /api/evaluation,
/api/indicators?published_only=true, /api/events, /api/surveys), so a second copy would be one more place to drift."""
