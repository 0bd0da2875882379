"""The NinjaAPI instance, mounted at ``/api/`` by :mod:`chiso.urls`.

OpenAPI is served at ``/api/openapi.json`` and Swagger UI at ``/api/docs``, from the static
files django-ninja ships (``ninja`` is in INSTALLED_APPS), so the docs work offline.
"""

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from chiso.api import errors, frameworks, org, results
from chiso.api.auth import AUTH

DESCRIPTION = """Read-only access to the registry, the indicator frameworks and the results of
chiso, with the same scope as the web pages. Authenticate with the session of a logged-in user
or with `Authorization: Bearer <token>` (tokens: `chiso api_token create`). Numbers are decimal
strings such as `"82.22"`. Error messages (`{"detail": "…"}`) are in Vietnamese, or in English
with `Accept-Language: en`. See docs/api.md."""


class Utf8Renderer(JSONRenderer):
    """Vietnamese text as UTF-8 rather than \\u escapes: readable, and a third smaller."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="chiso API",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    urls_namespace="api",
    # No call to validator.swagger.io: the docs must work on an intranet without Internet.
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=Utf8Renderer(),
)
errors.install(api)
api.add_router("", org.router)
api.add_router("", frameworks.router)
api.add_router("", results.router)
