"""REST API and web UI over one store: ``create_app(store_path, token=None)``; ``claimscope serve``.

FastAPI is imported only when an app is created, so :mod:`claimscope.web.queries` (used by
the Python API) works without the web dependencies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def create_app(store_path: str | Path, token: str | None = None, **options: Any):
    """The FastAPI app serving the REST API under ``/api`` and the web UI under ``/``.

    ``token`` guards every write endpoint (``Authorization: Bearer <token>``); when it is
    None the ``CLAIMSCOPE_TOKEN`` environment variable is used, and without either, writes
    are refused with 403. See :func:`claimscope.web.app.create_app` for ``options``.
    """
    from claimscope.web.app import create_app as _create_app

    return _create_app(store_path, token, **options)


__all__ = ["create_app"]
