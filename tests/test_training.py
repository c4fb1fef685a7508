"""Training and events: the coming sessions, their filters, "What training do I need?",
and the iCalendar files (issue 15)."""

import copy
import datetime
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from pages.models import CourseLevel, CoursePage, CourseSession, TrainingAudience, TrainingPage
from sitewide.page_cache import page_cache
from tests.editorial import logged_in
from tests.factories import create_course, publish, set_partnership_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_courses")]

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")
PHARMACY = "Community pharmacy teams"
YOUTH_CLUBS = "Youth club leaders"
BOOKING_SYSTEM = "the Harbourside training hub"
QUAYSIDE = "Quayside Centre, 4 Harbour Street, Northtown"
LIGHTHOUSE = "Lighthouse Hall, Pier Road, Northtown"


@pytest.fixture(scope="module")
def shared_training_page(module_db, django_db_blocker):
    """`training_page`, in the module's transaction (module_db)."""
    with django_db_blocker.unblock():
        for course_page in CoursePage.objects.child_of(TrainingPage.objects.get()):
            course_page.delete()
        # Fetched after the deletions, which change its count of children.
        page = TrainingPage.objects.get()
        page.booking_system = BOOKING_SYSTEM
        page.audiences = [
            TrainingAudience(name=PHARMACY, expected_level=CourseLevel.LEVEL_3),
            TrainingAudience(name=YOUTH_CLUBS, expected_level=CourseLevel.MULTI_AGENCY),
        ]
        return publish(page)


@pytest.fixture
def training_page(db, shared_training_page):
    """The site's training page (there can be only one), with audiences of its own and, of
    courses, only this module's four (`courses`): every test starts from them, made once
    for the module, and has its own copy."""
    return copy.deepcopy(shared_training_page)


def audience(name):
    return TrainingAudience.objects.get(name=name)


def session(starts_at, hours=3, **fields):
    """A session of a course, not yet saved, at a venue unless said otherwise."""
    if not fields.get("online"):
        fields.setdefault("venue", QUAYSIDE)
    return CourseSession(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=hours), **fields
    )


def in_days(days, hour, minute=0):
    return timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=days), datetime.time(hour, minute)
        )
    )


@pytest.fixture
def courses(db, shared_courses):
    """Four courses with five sessions to come, soonest first: volunteers (in 8 days),
    essentials (12), pharmacy (19), neglect (26), essentials again (40)."""
    return copy.deepcopy(shared_courses)


@pytest.fixture(scope="module")
def shared_courses(shared_training_page, django_db_blocker):
    """`courses`, in the module's transaction (module_db)."""
    with django_db_blocker.unblock():
        youth_clubs, pharmacy = audience(YOUTH_CLUBS), audience(PHARMACY)
        return SimpleNamespace(
            essentials=create_course(
                "Working across agencies: the essentials",
                audiences=[youth_clubs],
                booking_url="https://training.example.org/courses/essentials",
                sessions=[
                    session(in_days(12, 9, 30), venue=QUAYSIDE, capacity=30),
                    session(in_days(40, 13, 30), online=True, capacity=50),
                ],
            ),
            neglect=create_course(
                "Noticing neglect early",
                audiences=[youth_clubs],
                length="One day",
                booking_url="https://training.example.org/courses/neglect",
                sessions=[session(in_days(26, 9, 30), hours=6, venue=LIGHTHOUSE)],
            ),
            pharmacy=create_course(
                "Safeguarding for pharmacy teams (level 3)",
                level=CourseLevel.LEVEL_3,
                audiences=[pharmacy],
                booking_url="https://training.example.org/courses/pharmacy",
                sessions=[session(in_days(19, 9, 30), online=True)],
            ),
            volunteers=create_course(
                "Safeguarding basics for volunteers",
                level=CourseLevel.SINGLE_AGENCY,
                length="2 hours, online",
                sessions=[session(in_days(8, 18, 30), hours=2, online=True)],
            ),
        )


def add_session(course_page, starts_at, hours=3, **fields):
    """A session published with its course, as an Approver's approval publishes it."""
    # Fresh from the database: a copy holding children from an earlier call would publish
    # them again as new rows.
    course_page = CoursePage.objects.get(pk=course_page.pk)
    course_page.sessions.add(session(starts_at, hours, **fields))
    course_page.save_revision().publish()
    return CourseSession.objects.get(course=course_page, starts_at=starts_at)


def listed_courses(client, training_page, **query):
    response = client.get(training_page.url, query)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [heading.get_text(strip=True) for heading in soup.select(".training-sessions h3")]


def parsed_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def last_sunday_of_october_to_come():
    """The day the clocks next go back: the last Sunday of October."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        day = datetime.date(year, 10, 31)
        day -= datetime.timedelta(days=(day.weekday() + 1) % 7)
        if day > today:
            return day
    raise AssertionError("unreachable")


def test_the_page_lists_coming_sessions_soonest_first_with_how_to_book(
    client, training_page, courses
):
    html = client.get(training_page.url).content.decode()
    assert listed_courses(client, training_page) == [
        courses.volunteers.title,
        courses.essentials.title,
        courses.pharmacy.title,
        courses.neglect.title,
        courses.essentials.title,
    ]
    assert "Book a place on Noticing neglect early" in html
    assert "https://training.example.org/courses/neglect" in html
    assert f"Places are booked through {BOOKING_SYSTEM}" in html
    assert "Online" in html and LIGHTHOUSE in html


def test_past_sessions_drop_out_of_the_listing_but_the_course_page_stays(
    client, training_page, courses
):
    neglect = courses.neglect
    neglect.sessions.all().delete()
    add_session(neglect, timezone.now() - datetime.timedelta(days=3))
    assert neglect.title not in listed_courses(client, training_page)

    response = client.get(neglect.url)
    assert response.status_code == 200
    assert "No sessions of this course are planned at the moment." in response.content.decode()


def test_a_session_drops_out_once_it_has_started(client, training_page, courses):
    volunteers = courses.volunteers
    first = volunteers.sessions.get()
    with mock.patch(
        "django.utils.timezone.now", return_value=first.starts_at + datetime.timedelta(minutes=1)
    ):
        titles = listed_courses(client, training_page)
    assert volunteers.title not in titles


def test_filtering_by_audience_and_level(client, training_page, courses):
    pharmacy = audience(PHARMACY)
    assert listed_courses(client, training_page, audience=pharmacy.pk) == [courses.pharmacy.title]
    assert set(listed_courses(client, training_page, level="multi-agency")) == {
        courses.essentials.title,
        courses.neglect.title,
    }
    youth_clubs = audience(YOUTH_CLUBS)
    assert listed_courses(client, training_page, audience=youth_clubs.pk, level="level-3") == []
    assert (
        "0 sessions to come match your filters."
        in client.get(
            training_page.url, {"audience": youth_clubs.pk, "level": "level-3"}
        ).content.decode()
    )


def test_unknown_filter_values_show_everything(client, training_page, courses):
    assert (
        len(listed_courses(client, training_page, audience="999999", level="level-9", role="x"))
        == 5
    )


def test_the_forms_are_plain_get_forms_reading_only_the_cached_parameters(client, training_page):
    soup = BeautifulSoup(client.get(training_page.url).content, "html.parser")
    forms = soup.select("main form")
    assert {form["method"] for form in forms} == {"get"}
    names = {field["name"] for form in forms for field in form.select("select, input")}
    assert names == set(TrainingPage.cache_query_parameters) == {"audience", "level", "role"}
    for field in soup.select("main select"):
        assert soup.select_one(f'label[for="{field["id"]}"]')


def test_what_training_do_i_need_gives_the_courses_at_the_level_expected(
    client, training_page, courses
):
    pharmacy = audience(PHARMACY)
    response = client.get(training_page.url, {"role": pharmacy.pk})
    answer = BeautifulSoup(response.content, "html.parser").select_one(".training-need__answer")
    text = " ".join(answer.get_text(" ").split())
    assert f"{PHARMACY} are expected to have intercollegiate level 3" in text
    assert [link.get_text() for link in answer.select("a")] == [courses.pharmacy.title]


def test_the_expected_level_is_the_editors_to_change(client, training_page, courses):
    youth_clubs = audience(YOUTH_CLUBS)
    youth_clubs.expected_level = CourseLevel.SINGLE_AGENCY
    youth_clubs.save()
    answer = BeautifulSoup(
        client.get(training_page.url, {"role": youth_clubs.pk}).content, "html.parser"
    ).select_one(".training-need__answer")
    assert not answer.select("a")
    assert "No course at that level is listed for your role or sector yet" in answer.get_text()


def test_an_unpublished_or_private_course_is_in_no_listing_or_calendar(
    client, training_page, courses
):
    courses.pharmacy.unpublish()
    PageViewRestriction.objects.create(
        page=courses.neglect, restriction_type=PageViewRestriction.LOGIN
    )

    titles = listed_courses(client, training_page)
    feed = client.get(f"{training_page.url}calendar/").content.decode()
    for hidden in (courses.pharmacy, courses.neglect):
        assert hidden.title not in titles
        assert hidden.title not in feed
    assert courses.essentials.title in feed


def test_a_session_in_a_draft_is_not_shown_until_approved(client, training_page, courses):
    volunteers = courses.volunteers
    volunteers.sessions.add(
        CourseSession(
            starts_at=timezone.now() + datetime.timedelta(days=2),
            ends_at=timezone.now() + datetime.timedelta(days=2, hours=2),
            online=True,
        )
    )
    volunteers.save_revision()
    assert listed_courses(client, training_page).count(volunteers.title) == 1
    feed = client.get(f"{training_page.url}calendar/").content.decode()
    assert feed.count("BEGIN:VEVENT") == 5


def test_the_feed_holds_every_coming_session_in_london_time(client, training_page, courses):
    calendar = parsed_calendar(client.get(f"{training_page.url}calendar/"))
    events = calendar.walk("VEVENT")
    upcoming = list(CourseSession.objects.upcoming().select_related("course"))
    assert len(upcoming) == 5
    assert [event.get("summary") for event in events] == [s.course.title for s in upcoming]
    assert [event.decoded("dtstart") for event in events] == [s.starts_at for s in upcoming]
    assert [str(zone.get("tzid")) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert all(event.decoded("dtstart").tzinfo.key == "Europe/London" for event in events)
    assert events[0].get("url") == upcoming[0].course.get_full_url()


def test_sessions_either_side_of_the_october_clock_change_keep_their_utc_times(
    client, training_page, courses
):
    clocks_go_back = last_sunday_of_october_to_come()
    neglect = courses.neglect
    before = add_session(
        neglect,
        datetime.datetime.combine(
            clocks_go_back - datetime.timedelta(days=1), datetime.time(9, 30), LONDON
        ),
    )
    after = add_session(
        neglect, datetime.datetime.combine(clocks_go_back, datetime.time(9, 30), LONDON)
    )

    for added, utc_hour in ((before, 8), (after, 9)):
        calendar = parsed_calendar(client.get(f"{neglect.url}sessions/{added.pk}/calendar/"))
        (event,) = calendar.walk("VEVENT")
        starts = event.decoded("dtstart")
        assert starts.astimezone(UTC).time() == datetime.time(utc_hour, 30)
        assert starts.tzinfo.key == "Europe/London" and starts.hour == 9
        # The time zone the file carries gives the same answer as the zone database.
        zone = calendar.walk("VTIMEZONE")[0].to_tz()
        local = starts.replace(tzinfo=None).replace(tzinfo=zone)
        assert local.astimezone(UTC).time() == datetime.time(utc_hour, 30)
        assert str(event.get("uid")) == f"training-session-{added.pk}@testserver"


def test_each_session_has_a_calendar_file_linked_from_the_listing(client, training_page, courses):
    essentials = courses.essentials
    first = essentials.sessions.order_by("starts_at").first()
    calendar_url = f"{essentials.url}sessions/{first.pk}/calendar/"
    assert f'href="{calendar_url}"' in client.get(training_page.url).content.decode()
    assert f'href="{calendar_url}"' in client.get(essentials.url).content.decode()
    response = client.get(calendar_url)
    assert "attachment" in response["Content-Disposition"]
    (event,) = parsed_calendar(response).walk("VEVENT")
    assert str(event.get("location")) == QUAYSIDE


def test_a_calendar_file_answers_only_for_its_own_course(client, courses):
    essentials = courses.essentials
    other = courses.neglect.sessions.first()
    assert client.get(f"{essentials.url}sessions/{other.pk}/calendar/").status_code == 404
    assert client.get(f"{essentials.url}sessions/999999/calendar/").status_code == 404


def test_the_cached_page_expires_when_the_next_session_starts(client, training_page):
    # The daytime team always open: only the session can end the pages' time in the cache.
    set_partnership_settings(opening_periods=[])
    now = timezone.make_aware(datetime.datetime(2027, 3, 17, 11, 0))
    course_page = create_course(
        "Listening to children", sessions=[session(now + datetime.timedelta(minutes=20))]
    )
    with (
        override_settings(PAGE_CACHE_SECONDS=3600),
        mock.patch("django.utils.timezone.now", return_value=now),
        mock.patch.object(type(page_cache()), "set", autospec=True) as cache_set,
    ):
        for url in (training_page.url, course_page.url, f"{training_page.url}calendar/"):
            cache_set.reset_mock()
            client.get(url)
            assert cache_set.call_args.args[3] == 20 * 60, url


def test_a_session_must_end_after_it_starts_and_say_where(training_page):
    starts = timezone.now()
    course_session = CourseSession(
        course=create_course("Listening to children"), starts_at=starts, ends_at=starts
    )
    with pytest.raises(ValidationError) as error:
        course_session.clean()
    assert error.value.message_dict == {
        "ends_at": ["A session must end after it starts."],
        "venue": ["Give the venue, or tick Online."],
    }


def course_form(training_page, session_starts, session_ends, action):
    """The admin's "add course" form with one session, sent with an action button."""
    data = nested_form_data(
        {
            "title": "Online safety for practitioners",
            "slug": "online-safety",
            "search_description": "Keeping children safe online.",
            "review_interval_months": 12,
            "level": CourseLevel.MULTI_AGENCY,
            "length": "2 hours",
            "description": rich_text("<p>Online harm and what to do.</p>"),
            "booking_url": "https://learning.example.org/courses/online-safety",
            "sessions": inline_formset(
                [
                    {
                        "starts_at": session_starts.strftime("%Y-%m-%d %H:%M"),
                        "ends_at": session_ends.strftime("%Y-%m-%d %H:%M"),
                        "venue": "",
                        "online": "on",
                        "capacity": "",
                    }
                ]
            ),
            action: action,
        }
    )
    data["audiences"] = [audience(YOUTH_CLUBS).pk]
    return data


def test_an_editors_new_course_is_listed_only_once_an_approver_approves(
    client, training_page, editor, approver
):
    starts = timezone.localtime() + datetime.timedelta(days=5)
    add_url = reverse("wagtailadmin_pages:add", args=("pages", "coursepage", training_page.pk))
    response = logged_in(editor).post(
        add_url,
        course_form(training_page, starts, starts + datetime.timedelta(hours=2), "action-submit"),
    )
    assert response.status_code == 302
    course_page = CoursePage.objects.get(slug="online-safety")
    assert not course_page.live
    assert "Online safety for practitioners" not in listed_courses(client, training_page)

    task_state = course_page.current_workflow_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[course_page.pk, "approve", task_state.pk]
    )
    assert logged_in(approver).post(approve, {"comment": ""}).status_code == 302
    course_page.refresh_from_db()
    assert course_page.live
    assert course_page.sessions.count() == 1
    assert "Online safety for practitioners" in listed_courses(
        client, training_page, audience=audience(YOUTH_CLUBS).pk
    )


def test_a_session_ending_before_it_starts_is_refused_and_nothing_typed_is_lost(
    training_page, editor
):
    starts = timezone.localtime() + datetime.timedelta(days=5)
    add_url = reverse("wagtailadmin_pages:add", args=("pages", "coursepage", training_page.pk))
    response = logged_in(editor).post(
        add_url,
        course_form(training_page, starts, starts - datetime.timedelta(hours=1), "action-submit"),
    )
    assert response.status_code == 200
    page_html = response.content.decode()
    assert "A session must end after it starts." in page_html
    assert "Online harm and what to do." in page_html
    assert not CoursePage.objects.filter(slug="online-safety").exists()


def test_an_editor_previews_a_new_course_with_its_unsaved_session(training_page, editor):
    starts = timezone.localtime() + datetime.timedelta(days=5)
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("pages", "coursepage", training_page.pk)
    )
    staff = logged_in(editor)
    response = staff.post(
        preview_url, course_form(training_page, starts, starts + datetime.timedelta(hours=2), "x")
    )
    assert response.json()["is_valid"]
    preview = staff.get(preview_url).content.decode()
    assert "Online safety for practitioners" in preview
    assert starts.strftime("%-d %B %Y") in preview
