"""The JSON API (DRF): every page's data, scoped as the pages are, described at ``/api/schema/``."""
