"""When the "concerned about a child" team answers the phone.

Computed locally from the weekly opening periods and England's bank holidays
(the `holidays` package ships the dates), so no network call is needed to tell
a practitioner whether to ring the daytime team or the out-of-hours service.
"""

import datetime
from dataclasses import dataclass
from functools import cache

from django.utils import timezone

# Named here rather than looked up by country code on the first page that shows opening
# hours: holidays loads every country's module at once (a third of a second on this
# machine), which gunicorn's master then does once at start for all its workers instead
# of each new worker in a visitor's request.
from holidays.countries.united_kingdom import UnitedKingdom

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
WEEKDAY_NAMES = dict(WEEKDAYS)


@cache
def england_bank_holidays(year):
    return UnitedKingdom(subdiv="ENG", years=year)


def is_bank_holiday(day):
    return day in england_bank_holidays(day.year)


def local_datetime(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


def format_time(value):
    """'8am', '6pm', '5:30pm', 'midday': the GOV.UK style for times."""
    if value == datetime.time(12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.minute:
        return f"{hour}:{value.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def format_days(days):
    """'Monday to Friday' for a run of days, 'Monday, Wednesday' otherwise."""
    days = sorted(days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAY_NAMES[str(days[0])]} to {WEEKDAY_NAMES[str(days[-1])]}"
    return ", ".join(WEEKDAY_NAMES[str(day)] for day in days)


@dataclass(frozen=True)
class OpeningPeriod:
    days: tuple[int, ...]
    opens: datetime.time
    closes: datetime.time

    def __str__(self):
        return f"{format_days(self.days)}, {format_time(self.opens)} to {format_time(self.closes)}"


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    # When the answer next changes; None when it never does. Lets a cached page
    # expire exactly when "open now" stops being true.
    changes_at: datetime.datetime | None

    def __str__(self):
        # Dates, not "today" or "tomorrow", so the sentence stays true until changes_at.
        if self.is_open:
            if self.changes_at is None:
                return "Open now, 24 hours a day"
            return f"Open now, until {format_time(self.changes_at.time())}"
        if self.changes_at is None:
            return "Closed now"
        return (
            f"Closed now. Opens again at {format_time(self.changes_at.time())} "
            f"on {self.changes_at:%A} {self.changes_at.day} {self.changes_at:%B}"
        )


class OpeningHours:
    """A team's weekly opening periods, closed on England's bank holidays if so set."""

    def __init__(self, periods, closed_on_bank_holidays=True):
        self.periods = [
            period for period in periods if period.days and period.opens < period.closes
        ]
        self.closed_on_bank_holidays = closed_on_bank_holidays

    @classmethod
    def from_blocks(cls, opening_periods, closed_on_bank_holidays):
        """From a StreamField of OpeningPeriodBlock, as editors enter them."""
        return cls(
            [
                OpeningPeriod(
                    days=tuple(int(day) for day in child.value["days"]),
                    opens=child.value["opens"],
                    closes=child.value["closes"],
                )
                for child in opening_periods
            ],
            closed_on_bank_holidays=closed_on_bank_holidays,
        )

    def __str__(self):
        if not self.periods:
            return "24 hours a day, every day"
        return "; ".join(str(period) for period in self.periods)

    def intervals_on(self, day):
        if self.closed_on_bank_holidays and is_bank_holiday(day):
            return []
        return sorted(
            (period.opens, period.closes) for period in self.periods if day.weekday() in period.days
        )

    def status_at(self, moment=None):
        if not self.periods:
            return OpeningStatus(True, None)
        moment = timezone.localtime(moment)
        today = moment.date()
        for opens, closes in self.intervals_on(today):
            if opens <= moment.time() < closes:
                return OpeningStatus(True, local_datetime(today, closes))
        return OpeningStatus(False, self._next_opening(moment))

    def _next_opening(self, moment):
        # Bank holidays can close the office for four days running at Easter, and
        # Christmas plus a weekend can close it for five; two weeks is ample.
        for offset in range(15):
            day = moment.date() + datetime.timedelta(days=offset)
            for opens, _closes in self.intervals_on(day):
                start = local_datetime(day, opens)
                if start > moment:
                    return start
        return None
