"""iCalendar files of training sessions, for practitioners to add to their own calendars.

Times are written in Europe/London with its VTIMEZONE, so a session keeps its local time
in every calendar across the clock changes.
"""

from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

LONDON = ZoneInfo("Europe/London")


def session_calendar(sessions, request, name):
    """A calendar of `sessions` (with their courses selected)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Safeguarding children partnership//Training//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    host = request.get_host().partition(":")[0]
    for session in sessions:
        event = Event()
        event.add("uid", f"training-session-{session.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(LONDON))
        event.add("dtend", session.ends_at.astimezone(LONDON))
        event.add("summary", session.course.title)
        event.add("description", session.course.search_description)
        event.add("location", session.where)
        event.add("url", session.course.get_full_url(request))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def calendar_response(sessions, request, filename, name):
    response = HttpResponse(
        session_calendar(sessions, request, name).to_ical(),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
