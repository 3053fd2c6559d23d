"""Word outputs (公文): built-in templates, the data each document shows, rendering and 公文 layout."""
