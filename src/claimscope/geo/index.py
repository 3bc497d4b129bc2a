"""Reading the shipped compact index (data/gazetteer.tsv.gz) written by scripts/build_gazetteer.py.

Layout (UTF-8 text, gzip): a header line ``#claimscope-gazetteer<TAB>KEY_VERSION<TAB>meta-json``,
then sections ``##<name><TAB><count>``. ``places`` has one TSV row per place; every key
section (exact, loose, skel, scan_exact, scan_loose, scan_skel) has ``count`` sorted keys
followed by ``count`` lines of comma-separated place row numbers, in the same order, so the
loader builds each dict with one C-level ``dict(zip(...))`` and parses rows only when asked.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from claimscope.geo.names import KEY_VERSION
from claimscope.geo.place import Place

KEY_SECTIONS = ("exact", "loose", "skel", "scan_exact", "scan_loose", "scan_skel")
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.tsv.gz"


class IndexError_(ValueError):
    """The index file is missing, corrupt or built with other name keys."""


class CompactIndex:
    def __init__(self, path: Path = DEFAULT_PATH):
        self.path = Path(path)
        try:
            raw = gzip.decompress(self.path.read_bytes()).decode("utf-8")
        except FileNotFoundError:
            raise IndexError_(f"gazetteer index not found at {self.path}: run scripts/build_gazetteer.py") from None
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise IndexError_(f"gazetteer index {self.path} is unreadable: {exc}") from exc
        lines = raw.split("\n")
        head = lines[0].split("\t")
        if head[0] != "#claimscope-gazetteer" or len(head) < 3:
            raise IndexError_(f"{self.path}: not a claimscope gazetteer index (header {lines[0][:60]!r})")
        if int(head[1]) != KEY_VERSION:
            raise IndexError_(
                f"{self.path}: built with name-key version {head[1]}, runtime uses {KEY_VERSION}; "
                "rebuild with scripts/build_gazetteer.py"
            )
        self.meta = json.loads(head[2])
        pos = 1
        self.rows: list[str] = []
        self.keys: dict[str, dict[str, str]] = {}
        while pos < len(lines) and lines[pos].startswith("##"):
            name, count = lines[pos][2:].split("\t")
            n = int(count)
            pos += 1
            if name == "places":
                self.rows = lines[pos : pos + n]
                pos += n
            else:
                self.keys[name] = dict(zip(lines[pos : pos + n], lines[pos + n : pos + 2 * n]))
                pos += 2 * n
        missing = [s for s in KEY_SECTIONS if s not in self.keys]
        if missing or not self.rows:
            raise IndexError_(f"{self.path}: sections missing: {missing or ['places']}")

    def __len__(self) -> int:
        return len(self.rows)

    def ids(self, section: str, key: str) -> list[int]:
        value = self.keys[section].get(key)
        return [int(i) for i in value.split(",")] if value else []

    def place(self, row: int) -> Place:
        f = self.rows[row].split("\t")
        return Place(
            id=f[0], name=f[1], kind=f[2], lat=float(f[3]), lon=float(f[4]), country=f[5] or None,
            admin1=f[6] or None, population=int(f[7]) if f[7] else None, source=f[8], parent=f[9] or None,
        )
