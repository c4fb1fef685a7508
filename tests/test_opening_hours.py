"""Whether the "concerned about a child" team is open, at the edges of its hours."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from sitewide.opening_hours import OpeningHours, OpeningPeriod, format_time
from tests.factories import create_contact_page, opening_period, set_partnership_settings

WEEKDAYS_8_TO_6 = OpeningHours(
    [OpeningPeriod((0, 1, 2, 3, 4), datetime.time(8), datetime.time(18))]
)


def at(year, month, day, hour=0, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


@pytest.mark.parametrize(
    ("moment", "is_open", "changes_at"),
    [
        # Monday 23 November 2026
        (at(2026, 11, 23, 7, 59), False, at(2026, 11, 23, 8)),
        (at(2026, 11, 23, 8, 0), True, at(2026, 11, 23, 18)),
        (at(2026, 11, 23, 17, 59), True, at(2026, 11, 23, 18)),
        (at(2026, 11, 23, 18, 0), False, at(2026, 11, 24, 8)),
        # Friday evening to Monday morning
        (at(2026, 11, 27, 18, 30), False, at(2026, 11, 30, 8)),
        (at(2026, 11, 28, 12), False, at(2026, 11, 30, 8)),
        # Christmas Day (Friday) and Boxing Day observed on Monday 28 December 2026
        (at(2026, 12, 25, 10), False, at(2026, 12, 29, 8)),
        (at(2026, 12, 24, 18), False, at(2026, 12, 29, 8)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March
        (at(2027, 3, 25, 18), False, at(2027, 3, 30, 8)),
        # Clocks go forward on Sunday 28 March 2027: opening is still 8am local time
        (at(2027, 3, 30, 8, 0), True, at(2027, 3, 30, 18)),
        # Leap day 2028 is a Tuesday
        (at(2028, 2, 29, 12), True, at(2028, 2, 29, 18)),
    ],
)
def test_status_at_edges(moment, is_open, changes_at):
    status = WEEKDAYS_8_TO_6.status_at(moment)
    assert status.is_open is is_open
    assert status.changes_at == changes_at


def test_bank_holidays_can_be_working_days():
    hours = OpeningHours(WEEKDAYS_8_TO_6.periods, closed_on_bank_holidays=False)
    assert hours.status_at(at(2026, 12, 25, 10)).is_open


def test_several_periods_on_one_day_and_a_short_friday():
    hours = OpeningHours(
        [
            OpeningPeriod((0, 1, 2, 3), datetime.time(9), datetime.time(13)),
            OpeningPeriod((0, 1, 2, 3), datetime.time(14), datetime.time(17)),
            OpeningPeriod((4,), datetime.time(9), datetime.time(16, 30)),
        ]
    )
    assert not hours.status_at(at(2026, 11, 23, 13, 30)).is_open
    assert hours.status_at(at(2026, 11, 23, 13, 30)).changes_at == at(2026, 11, 23, 14)
    assert hours.status_at(at(2026, 11, 27, 16)).changes_at == at(2026, 11, 27, 16, 30)
    assert str(hours) == (
        "Monday to Thursday, 9am to 1pm; Monday to Thursday, 2pm to 5pm; Friday, 9am to 4:30pm"
    )


def test_no_periods_means_always_open():
    status = OpeningHours([]).status_at(at(2026, 12, 25, 3))
    assert status.is_open and status.changes_at is None
    assert str(OpeningHours([])) == "24 hours a day, every day"


def test_descriptions_read_naturally():
    assert str(WEEKDAYS_8_TO_6) == "Monday to Friday, 8am to 6pm"
    assert format_time(datetime.time(12)) == "midday"
    assert format_time(datetime.time(0, 30)) == "12:30am"
    assert str(WEEKDAYS_8_TO_6.status_at(at(2026, 11, 23, 9))) == "Open now, until 6pm"
    assert str(WEEKDAYS_8_TO_6.status_at(at(2026, 11, 27, 19))) == (
        "Closed now. Opens again at 8am on Monday 30 November"
    )


@pytest.fixture
def river_team(db):
    """The partnership's contact: the River Team, open weekdays 8am to 6pm except bank
    holidays, and the Night Duty Team out of hours."""
    return set_partnership_settings(
        contact_team_name="River Team",
        opening_periods=[opening_period(range(5), "08:00", "18:00")],
        closed_on_bank_holidays=True,
        out_of_hours_name="Night Duty Team",
    )


def test_contact_panel_puts_out_of_hours_first_when_closed(client, river_team):
    page = create_contact_page()
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 11, 28, 22)):
        html = client.get(page.url).content.decode()
    assert "River Team: Closed now. Opens again at 8am on Monday 30 November." in html
    assert html.index("Out of hours: Night Duty Team") < html.index("<h3>River Team</h3>")


def test_contact_panel_puts_daytime_team_first_when_open(client, river_team):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 11, 23, 10)):
        html = client.get("/").content.decode()
    assert "River Team: Open now, until 6pm." in html
    assert html.index("<h3>River Team</h3>") < html.index("Out of hours: Night Duty Team")


def test_contact_panel_is_closed_on_a_bank_holiday(client, river_team):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 12, 25, 10)):
        html = client.get("/").content.decode()
    assert "River Team: Closed now. Opens again at 8am on Tuesday 29 December." in html
