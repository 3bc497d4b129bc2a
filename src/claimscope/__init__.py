"""claimscope: who claims what about which incident, traced to the words of stored articles.

    import claimscope
    cs = claimscope.open("conflict.db")
    cs.ingest(["articles/", "https://example.org/feed.xml"])
    cs.analyze()
    for claim in cs.claims(claim_type="denial"):
        print(claim["speaker"], claim["text"])
"""

__version__ = "0.1.0"


def open(path=None, **options):  # noqa: A001 - mirrors sqlite3.connect / io.open
    """Open (or create) a claimscope store; ``path`` is a file path or a database URL."""
    from claimscope.api import Claimscope

    return Claimscope(path, **options)
