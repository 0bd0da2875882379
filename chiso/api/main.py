"""The NinjaAPI instance, mounted at ``/api/`` by :mod:`chiso.urls`.

OpenAPI is served at ``/api/openapi.json`` and Swagger UI at ``/api/docs``, from the static
files django-ninja ships (``ninja`` is in INSTALLED_APPS), so the docs work offline.
"""

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from chiso.api import (
    adjustments,
    appraisers,
    assessments,
    errors,
    facts,
    frameworks,
    org,
    results,
    rounds,
)
from chiso.api.auth import AUTH
from chiso.dossiers import api as dossiers_api
from chiso.surveys import api as surveys_api

DESCRIPTION = """The registry, the indicator frameworks, the facts and the results of chiso to
read, and the evaluation round to read and write (self-assessment, submission, approval,
appraisal, explanation, council): no longer read-only, with the same scope and rules as the web
pages; writes call the same actions and leave the same audit rows. Authenticate with the
session of a logged-in user (unsafe methods then need the `X-CSRFToken` header) or with
`Authorization: Bearer <token>` (tokens: `chiso api_token create`). Numbers are decimal
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
api.add_router("", facts.router)
api.add_router("", assessments.router)
api.add_router("", rounds.router)
api.add_router("", appraisers.router)
api.add_router("", adjustments.router)
api.add_router("", dossiers_api.router)
api.add_router("", surveys_api.router)
