"""HTTP API of the consumption app: none yet (the dashboard and impact pages are server-rendered). A router added
here is mounted in ``iccity/api.py``'s ROUTERS."""
