"""Publication dates with the precision actually known ("2016", "Sept 2016", "8/9/16 14:00")."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from claimscope.model import DatePrecision

# A publication date outside these years is a parsing accident (year 1, year 9999), not a date.
MIN_YEAR, MAX_YEAR = 1900, 2100
_BARE_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}|\d+[.,]\d*(e[-+]?\d+)?|\d*[.,]?\d+e[-+]?\d+)\s*$", re.IGNORECASE)
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?[^\s]*)?)?)?\s*$")


def parse_published(value: object, *, date_order: str | None = None) -> tuple[str | None, DatePrecision]:
    """Parse a publication date; returns (ISO string padded to the precision, precision).

    Unparseable or implausible values give (None, UNKNOWN) rather than an error: a missing
    date must not stop an article from being stored. Implausible: a year outside 1900-2100, a
    bare number that is not a year ("-1", "3", "1e308"), or a day after tomorrow (nothing is
    published in the future; relative phrases such as "in 3 days" are not publication dates).
    """
    value, precision = _parse(value, date_order)
    if value is None or not _plausible(value):
        return None, DatePrecision.UNKNOWN
    return value, precision


def _plausible(iso: str) -> bool:
    year = int(iso[:4])
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return False
    latest = (datetime.now() + timedelta(days=1)).date().isoformat()
    return iso[: len(latest)] <= latest[: len(iso)]


def _parse(value: object, date_order: str | None) -> tuple[str | None, DatePrecision]:
    if value is None:
        return None, DatePrecision.UNKNOWN
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds"), DatePrecision.DATETIME
    if isinstance(value, date):
        return value.isoformat(), DatePrecision.DAY
    text = str(value).strip()
    if not text or len(text) > 100 or _BARE_NUMBER.match(text):
        return None, DatePrecision.UNKNOWN
    m = _ISO.match(text)
    if m:
        year, month, day, hour = m.group(1), m.group(2), m.group(3), m.group(4)
        try:
            if hour is not None:
                dt = datetime(int(year), int(month), int(day), int(hour), int(m.group(5)), int(m.group(6) or 0))
                return dt.isoformat(timespec="seconds"), DatePrecision.DATETIME
            if day is not None:
                return date(int(year), int(month), int(day)).isoformat(), DatePrecision.DAY
            if month is not None:
                return f"{int(year):04d}-{int(month):02d}", DatePrecision.MONTH
            return f"{int(year):04d}", DatePrecision.YEAR
        except ValueError:
            return None, DatePrecision.UNKNOWN
    return _parse_free(text, date_order)


@lru_cache(maxsize=4096)
def _parse_free(text: str, date_order: str | None) -> tuple[str | None, DatePrecision]:
    from dateparser.date import DateDataParser

    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
    if date_order:
        settings["DATE_ORDER"] = date_order
    try:
        data = DateDataParser(languages=["en", "fr", "de", "es", "ar", "ru"], settings=settings).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on hostile strings
        return None, DatePrecision.UNKNOWN
    when = data.date_obj if data else None
    if when is None or not (1900 <= when.year <= 2100):
        return None, DatePrecision.UNKNOWN
    period = (data.period or "day").lower()
    if period == "year":
        return f"{when.year:04d}", DatePrecision.YEAR
    if period == "month":
        return f"{when.year:04d}-{when.month:02d}", DatePrecision.MONTH
    if period == "time" or (when.hour or when.minute) and re.search(r"\d:\d\d", text):
        return when.replace(microsecond=0).isoformat(timespec="seconds"), DatePrecision.DATETIME
    return when.date().isoformat(), DatePrecision.DAY

