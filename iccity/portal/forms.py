"""No forms here: the portal links to the complaint form (complaints:new), the tracking page (complaints:track) and the
survey (surveys), which validate their own input."""
