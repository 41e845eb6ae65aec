"""Times in the history: stored as UTC text that sorts as it reads ("2024-05-01T12:30:00Z")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from app.errors import HistoryError

STORED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_stored(moment: datetime | None = None) -> str:
    """A moment (naive means local time; None means now) as stored text."""
    if moment is None:
        moment = datetime.now(UTC)
    elif moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime(STORED_FORMAT)


def from_stored(text: str) -> datetime:
    return datetime.strptime(text, STORED_FORMAT).replace(tzinfo=UTC)


def local_label(text: str) -> str:
    """A stored time as the user's local date and minute, for people."""
    return from_stored(text).astimezone().strftime("%Y-%m-%d %H:%M")


def parse_since(value: str | date | datetime | None) -> str | None:
    """--since: a date (from local midnight on) or a date and time; None means no filter."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return to_stored(value)
    if isinstance(value, date):
        return to_stored(datetime.combine(value, time()))
    text = str(value).strip()
    try:
        if len(text) == 10:
            return to_stored(datetime.combine(date.fromisoformat(text), time()))
        return to_stored(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise HistoryError(f"'{text}' is not a date; give one like 2024-05-01 (or 2024-05-01T14:30).") from None
