"""The read-only REST API (``/api/``): the registry, frameworks and results, scoped like the
pages. See docs/api.md."""
