"""The web's CSV and GeoJSON downloads use the export's writers (one of each for the CLI and the web)."""

from faultlines.export.formats import INCIDENT_COLUMNS, flatten, incident_feature, incidents_geojson, safe_cell, to_csv

__all__ = ["INCIDENT_COLUMNS", "flatten", "incident_feature", "incidents_geojson", "safe_cell", "to_csv"]
