"""``python -m claimscope.rhetoric techniques-doc`` prints docs/techniques.md;
``python -m claimscope.rhetoric detect FILE`` prints the lexicon baseline's spans of a text."""

from __future__ import annotations

import sys

from . import get_detector
from .taxonomy import render_markdown

USAGE = "usage: python -m claimscope.rhetoric techniques-doc | detect FILE [--model NAME]"


def main(argv: list[str]) -> int:
    if argv[:1] == ["techniques-doc"]:
        sys.stdout.write(render_markdown())
        return 0
    if argv[:1] == ["detect"] and len(argv) >= 2:
        model = argv[argv.index("--model") + 1] if "--model" in argv else "lexicon"
        text = open(argv[1], encoding="utf-8").read()
        for s in get_detector(model).detect(text):
            print(f"{s.technique}\t{s.start}\t{s.end}\t{s.confidence:.2f}\t{text[s.start:s.end]!r}")
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
