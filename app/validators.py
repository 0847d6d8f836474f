"""Form validators shared by every feature: values a filter or a field may hold."""

from __future__ import annotations

from datetime import date, datetime

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
