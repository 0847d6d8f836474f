"""Form validators shared by every feature: values a filter or a field may hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

# Dates a call, a review or a report can have: far enough either way, and room for a week's arithmetic.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class InCalendar:
    """A date field that refuses years no call can have (0001, 9999), before any date arithmetic overflows."""

    def __call__(self, form, field) -> None:
        day = field.data.date() if isinstance(field.data, datetime) else field.data
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            field.data = None
            raise ValidationError(
                _l(
                    "Choose a date between %(start)s and %(end)s.",
                    start=EARLIEST_DATE.isoformat(),
                    end=LATEST_DATE.isoformat(),
                )
            )


class NotInFuture:
    """A call's date: a recording cannot come from the future. A day's slack covers the gap between the uploader's
    clock (the form sends their local time) and the server's."""

    SLACK = timedelta(days=1)

    def __call__(self, form, field) -> None:
        when = field.data
        if not isinstance(when, datetime):
            return
        now = datetime.now(UTC).replace(tzinfo=None) if when.tzinfo is None else datetime.now(UTC)
        if when > now + self.SLACK:
            raise ValidationError(_l("The call date is in the future: give the date the call took place."))
