"""The public portal changes nothing: complaints are filed and surveys answered on those apps' own pages (and through
their actions), which the portal links to."""
