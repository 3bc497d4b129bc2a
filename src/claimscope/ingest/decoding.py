"""Bytes to text: detect the encoding, refuse binary data, never crash on bad bytes."""

from __future__ import annotations

import codecs
import unicodedata

from claimscope.ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Magic numbers of formats people drop into a folder by mistake.
_BINARY_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)


def looks_binary(data: bytes) -> str | None:
    """Name of the binary format if ``data`` is not text, else None."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    sample = data[:8192]
    if not sample:
        return None
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return None
    if b"\x00" in sample:
        # UTF-16 without BOM has NULs in every other byte; real binaries have them anywhere
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > len(sample) * 0.4 and min(even, odd) < len(sample) * 0.05:
            return None
        return "binary data"
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if control > len(sample) * 0.1:
        return "binary data"
    return None


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode to text; returns (text, encoding used). Raises IngestError for binary input."""
    binary = looks_binary(data)
    if binary:
        raise IngestError(source, f"looks like {binary}, not text", "convert it to text or HTML first")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return clean_text(data.decode(encoding, errors="replace")), encoding
    if declared:
        try:
            return clean_text(data.decode(declared)), declared
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return clean_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192]:
        even = data[0:8192:2].count(0)
        encoding = "utf-16-be" if even > len(data[:8192]) // 4 else "utf-16-le"
        return clean_text(data.decode(encoding, errors="replace")), encoding
    sample = data[:200_000]
    non_ascii = sum(1 for b in sample if b > 127)
    if non_ascii < len(sample) * 0.05:
        # Mostly-ASCII text with a few accented letters or smart quotes is almost always
        # Windows-1252/Latin-1; statistical detectors guess CJK encodings on such short evidence.
        try:
            return clean_text(data.decode("cp1252")), "cp1252"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        encoding, text = "cp1252", data.decode("cp1252", errors="replace")
    return clean_text(text), encoding


def clean_text(text: str) -> str:
    """Normalise newlines and drop control characters that break offsets and terminals."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return unicodedata.normalize("NFC", text)
