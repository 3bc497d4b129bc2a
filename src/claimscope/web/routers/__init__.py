"""REST routers, one module per resource; ``ALL`` is the order they are mounted in."""

from claimscope.web.routers import (articles, claims, exports, incidents, ingest, jobs, meta, narratives, outlets,
                                    search, techniques)

ALL = (meta, ingest, jobs, articles, claims, incidents, techniques, outlets, search, narratives, exports)
