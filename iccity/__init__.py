"""iccity: the platform that runs an action plan as data."""
