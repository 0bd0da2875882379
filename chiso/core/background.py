"""Work started by a request and done after it, in a thread of the same process.

Report files and dossier recomputes take longer than a request should; a deployment without
a worker still gets them done. The job's own row says its state, so a thread that dies with
its process leaves a row that the job's time-out marks failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction


def start_after_commit(name: str, run: Callable[[], object]) -> None:
    """Call ``run`` in a daemon thread named ``name`` once the current transaction commits
    (so that the thread sees the rows written in it), with the thread's own database
    connection, closed when ``run`` returns or raises."""

    def thread() -> None:
        close_old_connections()
        try:
            run()
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=thread, name=name, daemon=True).start())
