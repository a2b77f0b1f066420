"""HTTP adapter: /api/v1 blueprints, OpenAPI document at /api/openapi.json."""
