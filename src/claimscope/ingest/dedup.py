"""Near-duplicate detection (syndicated wire copy, reposts) with MinHash + LSH bands.

Deterministic across processes and machines: shingles are hashed with CRC32, not Python's
salted ``hash``, so signatures stored in the database stay comparable forever.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: pairs above ~0.45 Jaccard almost surely share a band
ROWS = NUM_PERM // BANDS
SHINGLE = 5
DEFAULT_THRESHOLD = 0.5

_PRIME = np.uint64(4294967311)  # smallest prime above 2**32
_rng = np.random.RandomState(20161108)
_A = _rng.randint(1, 2**31 - 1, size=NUM_PERM).astype(np.uint64)
_B = _rng.randint(0, 2**32 - 1, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> np.ndarray:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    return np.unique(np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams)))


def signature(text: str) -> np.ndarray:
    """MinHash signature (NUM_PERM uint32 values); all-max for an empty text."""
    values = shingles(text)
    if values.size == 0:
        return np.full(NUM_PERM, 2**32 - 1, dtype=np.uint32)
    hashed = (np.outer(_A, values) + _B[:, None]) % _PRIME
    return hashed.min(axis=1).astype(np.uint32)


def bands(sig: np.ndarray) -> list[int]:
    """One stable 32-bit hash per LSH band."""
    return [zlib.crc32(sig[i * ROWS:(i + 1) * ROWS].tobytes()) for i in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.mean(a == b))


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
