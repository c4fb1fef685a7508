"""Every partnership's front door: the consortium's twelve partnerships with their
children's social care contact, listed on "Child lives in another area?" (this partnership
first, open now where the hours are known), linked from every contact panel, approved like
other snippets and checked like other links."""

import datetime
import html
import re
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, streamfield

from linkhealth.external_urls import external_urls
from pages.models import OtherAreasPage
from procedures.models import ConsortiumPartnership
from sitewide.page_cache import page_cache
from tests.factories import (
    create_consortium_partnership,
    create_contact_page,
    opening_period,
    set_partnership_settings,
)
from tests.query_counts import QUERY_BUDGET, count_queries
from tests.test_snippet_approval import approve, submit

pytestmark = pytest.mark.django_db

REFERRAL_ROUTE = "Phone the front door, then send the referral form within two days."


def front_door(name, number, periods=(), **fields):
    """A partnership of the consortium with a front door of its own: its phone numbers end
    in `number`."""
    return create_consortium_partnership(
        name,
        front_door_name=f"{name} Front Door",
        front_door_phone=f"01632 960 3{number:02d}",
        out_of_hours_phone=f"01632 960 4{number:02d}",
        front_door_hours=f"As {name} words its hours",
        front_door_opening_periods=list(periods),
        front_door_website=f"https://{name.lower()}.example.org/front-door",
        referral_route=REFERRAL_ROUTE,
        **fields,
    )


@pytest.fixture(scope="module", autouse=True)
def consortium(module_db, django_db_blocker):
    """This partnership and five others, in an editors' order that is not the alphabet's:
    the consortium's partnerships are these alone, for every test of the module (made once,
    in its transaction). Returns the others' names in order."""
    with django_db_blocker.unblock():
        ConsortiumPartnership.objects.all().delete()
        front_door(
            "Riverside", 0, [opening_period(range(5), "08:00", "18:00")], is_this_partnership=True
        )
        hillshire_hours = [
            opening_period(range(4), "08:30", "17:00"),
            opening_period([4], "08:30", "16:30"),
        ]
        others = [
            ("Hillshire", hillshire_hours),
            ("Marshland", [opening_period(range(5), "09:00", "17:00")]),
            ("Moorland", []),
            ("Bayside", []),
            ("Fenland", []),
        ]
        for position, (name, periods) in enumerate(others, start=1):
            front_door(name, position, periods, sort_order=position)
        return [name for name, _ in others]


@pytest.fixture
def other_areas(db):
    """The address of the site's "Child lives in another area?" page."""
    return OtherAreasPage.objects.get().url


def at(*moment):
    return timezone.make_aware(datetime.datetime(*moment))


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def front_doors_on(text):
    """{partnership heading: its entry's text}, in the order shown."""
    entries = re.findall(r'<li class="front-door">\s*<h2[^>]*>([^<]+)</h2>(.*?)</li>', text, re.S)
    return dict(entries)


def test_the_page_lists_every_front_door_this_partnership_first(client, consortium, other_areas):
    front_doors = front_doors_on(page_text(client, other_areas))
    assert list(front_doors) == ["Riverside (this partnership)", *consortium]
    for partnership in ConsortiumPartnership.objects.all():
        heading = partnership.name + (
            " (this partnership)" if partnership.is_this_partnership else ""
        )
        entry = front_doors[heading]
        assert partnership.front_door_phone.startswith("01632 960")
        assert f'href="tel:{partnership.front_door_phone.replace(" ", "")}"' in entry
        assert partnership.out_of_hours_phone in entry
        assert partnership.front_door_hours in entry
        assert f'href="{partnership.front_door_website}"' in entry
        assert REFERRAL_ROUTE in entry
    assert "If a child is in immediate danger, call 999." in page_text(client, other_areas)


def test_open_now_is_shown_where_the_hours_are_known(client, other_areas):
    # Monday 23 November 2026, 5:30pm: Riverside is open until 6pm, Hillshire has closed;
    # Moorland gives its hours only in words.
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 11, 23, 17, 30)):
        front_doors = front_doors_on(page_text(client, other_areas))
    assert (
        "Riverside Front Door: Open now, until 6pm." in front_doors["Riverside (this partnership)"]
    )
    assert "Closed now. Opens again at 8:30am on Tuesday 24 November." in front_doors["Hillshire"]
    assert "Closed now. Opens again at 9am on Tuesday 24 November." in front_doors["Marshland"]
    assert "now" not in front_doors["Moorland"].lower()


def test_on_a_bank_holiday_the_front_doors_are_closed(client, other_areas):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 12, 25, 10)):
        front_doors = front_doors_on(page_text(client, other_areas))
    assert "Closed now. Opens again at 8:30am on Tuesday 29 December." in front_doors["Hillshire"]


@override_settings(PAGE_CACHE_SECONDS=3600)
def test_the_cached_page_expires_when_a_front_door_opens_or_closes(client, other_areas):
    # 4:45pm: Hillshire closes at 5pm, before Riverside (6pm) and the contact panel's team
    # (6pm) change.
    set_partnership_settings(opening_periods=[opening_period(range(5), "08:00", "18:00")])
    with (
        mock.patch("django.utils.timezone.now", return_value=at(2026, 11, 23, 16, 45)),
        mock.patch.object(type(page_cache()), "set", autospec=True) as cache_set,
    ):
        client.get(other_areas)
    assert cache_set.call_args.args[3] == 15 * 60


@pytest.fixture(params=["/", "a page with a contact block", "/search/?q=zzyzx", "/no-such-page/"])
def with_contact_panel(request, db):
    """An address whose page has a contact panel."""
    if request.param.startswith("/"):
        return request.param
    return create_contact_page().url


def test_every_contact_panel_links_to_the_page(client, with_contact_panel, other_areas):
    response = client.get(with_contact_panel)
    text = html.unescape(response.content.decode())
    assert 'class="concern-panel"' in text
    panel = text[text.index('class="concern-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert (
        f'<a href="{other_areas}">Child lives in another area? Contact the front door of the area '
        "where the child lives</a>"
    ) in panel


def test_the_contact_panel_leaves_the_link_out_when_the_page_is_unpublished(client, other_areas):
    assert other_areas in client.get("/").content.decode()
    OtherAreasPage.objects.get().unpublish()
    assert other_areas not in client.get("/").content.decode()


def test_the_page_is_in_the_sitemap(client, other_areas):
    assert f"{other_areas}</loc>" in client.get("/sitemap.xml").content.decode()


def test_the_page_stays_within_the_query_budget_however_many_partnerships(client, other_areas):
    before = count_queries(client, other_areas)
    assert before <= QUERY_BUDGET
    for number in range(12):
        ConsortiumPartnership.objects.create(
            name=f"Partnership {number}",
            website=f"https://partnership{number}.example.org/",
            front_door_phone=f"01632 960 9{number:02d}",
            front_door_opening_periods=[opening_period(range(2), "09:00", "17:00")],
        )
    assert count_queries(client, other_areas) == before
    assert "Partnership 11" in page_text(client, other_areas)


def test_an_editors_change_to_a_front_door_waits_for_approval(
    client, editor, approver, other_areas
):
    bayside = ConsortiumPartnership.objects.get(name="Bayside")
    form = {
        field: getattr(bayside, field)
        for field in (
            "name",
            "website",
            "front_door_name",
            "front_door_hours",
            "out_of_hours_phone",
            "front_door_website",
            "referral_route",
        )
    }
    form.update(
        {
            "front_door_phone": "01632 960 999",
            "front_door_closed_on_bank_holidays": True,
            "front_door_opening_periods": streamfield([]),
        }
    )
    submit(editor, bayside, nested_form_data(form))
    assert "01632 960 999" not in page_text(client, other_areas)

    approve(approver, bayside)
    assert "01632 960 999" in front_doors_on(page_text(client, other_areas))["Bayside"]


def test_an_unpublished_partnership_is_left_out(client, approver, other_areas):
    assert "Fenland" in front_doors_on(page_text(client, other_areas))
    ConsortiumPartnership.objects.get(name="Fenland").unpublish(user=approver)
    assert "Fenland" not in front_doors_on(page_text(client, other_areas))


def test_the_link_checker_collects_the_front_doors_web_pages():
    uses = external_urls()
    for partnership in ConsortiumPartnership.objects.all():
        assert [(use.label, use.location) for use in uses[partnership.front_door_website]] == [
            (partnership.name, "Front door web page")
        ]
