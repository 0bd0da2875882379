"""The engine framework of each published framework version, built once per process.

Building :class:`chiso.engine.model.Framework` from the stored rows costs a query for the nodes
and a full parse; every self-assessment save and most round pages need it. A published (or
archived) framework is frozen: ``Framework.save``/``Node.save``/``delete`` raise
:class:`~chiso.frameworks.models.FrameworkLocked` once the status has left draft, and no code path
updates nodes in bulk. So its engine framework never changes and one built copy can be shared.
The engine framework is made of frozen dataclasses, tuples, strings and Decimals, so sharing it
between requests and threads is safe.

Drafts are never cached: they change on every edit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING

from chiso.engine.model import Framework as EngineFramework
from chiso.engine.spec import parse_framework

if TYPE_CHECKING:
    from chiso.frameworks.models import Framework

# Published frameworks per installation: two families a year plus the service index, and a
# process rarely needs more than the last few years'.
MAX_ENTRIES = 32

# The pk alone is not enough: after a rolled-back transaction (a test, a failed import) SQLite
# hands the same pk to the next framework. Creation and publication times (to the microsecond)
# with code/year/version tell two such frameworks apart.
CacheKey = tuple[int, str, int, int, datetime | None, datetime | None]

_built: OrderedDict[CacheKey, EngineFramework] = OrderedDict()
_lock = threading.Lock()


def engine_framework(framework: Framework) -> EngineFramework:
    """``framework`` as the engine's frozen framework; shared, built at most once per version
    when published or archived, rebuilt on every call for a draft."""
    if framework.is_draft or framework.pk is None:
        return parse_framework(framework.raw_dict())
    key: CacheKey = (
        framework.pk,
        framework.code,
        framework.year,
        framework.version,
        framework.created_at,
        framework.published_at,
    )
    with _lock:
        found = _built.get(key)
        if found is not None:
            _built.move_to_end(key)
            return found
    built = parse_framework(framework.raw_dict())
    with _lock:
        _built[key] = built
        while len(_built) > MAX_ENTRIES:
            _built.popitem(last=False)
    return built
