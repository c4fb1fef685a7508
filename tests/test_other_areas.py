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
from tests.query_counts import QUERY_BUDGET, count_queries
from tests.test_procedures_page import PARTNERSHIPS
from tests.test_snippet_approval import approve, submit

pytestmark = pytest.mark.django_db

OTHER_AREAS = "/child-lives-in-another-area/"


def at(*moment):
    return timezone.make_aware(datetime.datetime(*moment))


def page_text(client, url=OTHER_AREAS):
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def front_doors_on(text):
    """{partnership heading: its entry's text}, in the order shown."""
    entries = re.findall(r'<li class="front-door">\s*<h2[^>]*>([^<]+)</h2>(.*?)</li>', text, re.S)
    return dict(entries)


def test_the_page_lists_the_twelve_front_doors_this_partnership_first(client):
    front_doors = front_doors_on(page_text(client))
    others = [name for name in PARTNERSHIPS if name != "North Somerset"]
    assert list(front_doors) == ["North Somerset (this partnership)", *others]
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
        assert "Placeholder details for the demo site" in entry
    assert "If a child is in immediate danger, call 999." in page_text(client)


def test_open_now_is_shown_where_the_hours_are_known(client):
    # Monday 23 November 2026, 5:30pm: North Somerset is open until 6pm, Devon has closed;
    # Cornwall gives its hours only in words.
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 11, 23, 17, 30)):
        front_doors = front_doors_on(page_text(client))
    assert "Care Connect: Open now, until 6pm." in front_doors["North Somerset (this partnership)"]
    assert "Closed now. Opens again at 8:30am on Tuesday 24 November." in front_doors["Devon"]
    assert "Closed now. Opens again at 9am on Tuesday 24 November." in front_doors["Plymouth"]
    assert "now" not in front_doors["Cornwall"].lower()


def test_on_a_bank_holiday_the_front_doors_are_closed(client):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 12, 25, 10)):
        front_doors = front_doors_on(page_text(client))
    assert "Closed now. Opens again at 8:30am on Tuesday 29 December." in front_doors["Devon"]


@override_settings(PAGE_CACHE_SECONDS=3600)
def test_the_cached_page_expires_when_a_front_door_opens_or_closes(client):
    # 4:45pm: Devon closes at 5pm, before North Somerset (6pm) changes.
    with (
        mock.patch("django.utils.timezone.now", return_value=at(2026, 11, 23, 16, 45)),
        mock.patch.object(type(page_cache()), "set", autospec=True) as cache_set,
    ):
        client.get(OTHER_AREAS)
    assert cache_set.call_args.args[3] == 15 * 60


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/concerned-about-a-child/",
        "/search/?q=zzyzx",
        "/no-such-page/",
    ],
)
def test_every_contact_panel_links_to_the_page(client, url):
    response = client.get(url)
    text = html.unescape(response.content.decode())
    assert 'class="concern-panel"' in text
    panel = text[text.index('class="concern-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert (
        f'<a href="{OTHER_AREAS}">Child lives in another area? Contact the front door of the area '
        "where the child lives</a>"
    ) in panel


def test_the_contact_panel_leaves_the_link_out_when_the_page_is_unpublished(client):
    OtherAreasPage.objects.get().unpublish()
    assert OTHER_AREAS not in client.get("/").content.decode()


def test_the_page_is_in_the_sitemap(client):
    assert f"{OTHER_AREAS}</loc>" in client.get("/sitemap.xml").content.decode()


def test_the_page_stays_within_the_query_budget_however_many_partnerships(client):
    before = count_queries(client, OTHER_AREAS)
    assert before <= QUERY_BUDGET
    for number in range(12):
        ConsortiumPartnership.objects.create(
            name=f"Partnership {number}",
            website=f"https://partnership{number}.example.org/",
            front_door_phone=f"01632 960 9{number:02d}",
            front_door_opening_periods=[
                {
                    "type": "period",
                    "value": {"days": ["0", "1"], "opens": "09:00:00", "closes": "17:00:00"},
                }
            ],
        )
    assert count_queries(client, OTHER_AREAS) == before
    assert "Partnership 11" in page_text(client)


def test_an_editors_change_to_a_front_door_waits_for_approval(client, editor, approver):
    bristol = ConsortiumPartnership.objects.get(name="Bristol")
    form = {
        field: getattr(bristol, field)
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
    submit(editor, bristol, nested_form_data(form))
    assert "01632 960 999" not in page_text(client)

    approve(approver, bristol)
    assert "01632 960 999" in front_doors_on(page_text(client))["Bristol"]


def test_an_unpublished_partnership_is_left_out(client, approver):
    ConsortiumPartnership.objects.get(name="Swindon").unpublish(user=approver)
    assert "Swindon" not in front_doors_on(page_text(client))


def test_the_link_checker_collects_the_front_doors_web_pages():
    uses = external_urls()
    for partnership in ConsortiumPartnership.objects.all():
        assert [(use.label, use.location) for use in uses[partnership.front_door_website]] == [
            (partnership.name, "Front door web page")
        ]
