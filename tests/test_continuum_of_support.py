"""The Continuum of Support and its guide: editors keep the levels of need and their
indicators in the admin, through approval; a practitioner ticks the indicators they see and
is told the level they usually point to, what to do and whom to contact now, with
JavaScript off (here) and on (tests/browser/test_continuum_guide.py)."""

import datetime
import html
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from pages.blocks import Domain, LevelColour
from pages.models import ContinuumOfSupportPage
from tests.admin_reports import report_rows
from tests.editorial import edit_url, logged_in
from tests.factories import (
    create_continuum_page,
    create_guidance_page,
    opening_period,
    set_partnership_settings,
)
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_section")]

# The daytime team answers Monday to Friday, 8am to 6pm (contact_routes below).
OPEN = datetime.datetime(2026, 11, 23, 10, 0)  # a Monday morning
CLOSED = datetime.datetime(2026, 11, 28, 22, 0)  # a Saturday night

LEVEL_2_PARENTING = "Bedtimes and school mornings are often chaotic"
LEVEL_3_FAMILY = "Police called to arguments at home more than once"
LEVEL_3_MISSING = "Stays out overnight without saying where"
LEVEL_4_DISCLOSURE = "The child tells you someone at home hits them"
SCHOOL_AGE = "Regularly late for school or absent on Mondays"
UNBORN = "Antenatal appointments missed in pregnancy"
LEVELS = [
    {
        "name": "Thriving",
        "indicators": [{"domain": "child", "text": "Growing and learning as expected"}],
    },
    {
        "name": "Some extra help (family support)",
        "colour": "yellow",
        "indicators": [
            {"domain": "parenting", "text": LEVEL_2_PARENTING},
            {"domain": "parenting", "text": UNBORN, "age_groups": ["unborn"]},
        ],
    },
    {
        "name": "Several needs (targeted support)",
        "colour": "amber",
        "contact": "front-door",
        "what_to_do": "<p>If your own service and family support cannot meet the child's needs, "
        "refer to the Referral Hub.</p>",
        "indicators": [
            {"domain": "child", "text": SCHOOL_AGE, "age_groups": ["5-11", "12-plus"]},
            {"domain": "child", "text": LEVEL_3_MISSING, "age_groups": ["12-plus"]},
            {"domain": "family", "text": LEVEL_3_FAMILY},
        ],
    },
    {
        "name": "Urgent protection (statutory help)",
        "colour": "red",
        "contact": "front-door",
        "what_to_do": "<p>Phone the Referral Hub at once; do not wait to write it down.</p>",
        "indicators": [{"domain": "child", "text": LEVEL_4_DISCLOSURE}],
    },
]
OWNER_EMAIL = "levels.of.need@example.org"


@pytest.fixture(autouse=True)
def contact_routes(db):
    """Whom the guide sends practitioners to, and when the daytime team answers."""
    set_partnership_settings(
        contact_team_name="Family Advice Line",
        contact_phone="01632 960 101",
        opening_periods=[opening_period(range(5), "08:00", "18:00")],
        closed_on_bank_holidays=True,
        out_of_hours_name="Night Duty Service",
        out_of_hours_phone="01632 960 102",
        front_door_name="Referral Hub",
        front_door_phone="01632 960 103",
        front_door_email="referral.hub@example.org",
    )


@pytest.fixture
def continuum_page(section):
    return create_continuum_page(
        LEVELS,
        "Harbourside levels of need",
        section,
        intro="<p>The levels of need the partnership's agencies share.</p>",
        owner_team="Partnership business unit",
        owner_name="Lee Levels",
        owner_email=OWNER_EMAIL,
        last_reviewed_on=datetime.date(2026, 9, 1),
        review_interval_months=12,
    )


def indicator_ids(page, *texts):
    by_text = {indicator.text: indicator.id for indicator in page.continuum().indicators.values()}
    return [by_text[text] for text in texts]


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=timezone.make_aware(moment))


def guide(client, page, *texts, moment=OPEN, **params):
    with at(moment):
        response = client.get(page.url, {"indicator": indicator_ids(page, *texts), **params})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def result_text(page_html):
    soup = BeautifulSoup(page_html, "html.parser")
    return " ".join(soup.select_one("#guide-result").get_text(" ").split())


def test_indicators_at_one_level_point_to_it_with_what_to_do_and_whom_to_contact(
    client, continuum_page
):
    result = result_text(guide(client, continuum_page, LEVEL_3_FAMILY, LEVEL_3_MISSING))
    assert "usually point to: Level 3: Several needs (targeted support)" in result
    assert "If your own service and family support cannot meet the child's needs" in result
    assert "Referral Hub: Open now, until 6pm." in result
    assert "Phone: 01632 960 103" in result
    assert "span levels" not in result
    assert f"{LEVEL_3_FAMILY} (level 3)" in result


def test_lower_levels_point_to_the_daytime_team_for_advice(client, continuum_page):
    result = result_text(guide(client, continuum_page, LEVEL_2_PARENTING))
    assert "Level 2: Some extra help (family support)" in result
    assert "Family Advice Line: Open now" in result
    assert "Phone: 01632 960 101" in result
    assert "01632 960 103" not in result


def test_indicators_spanning_levels_say_so_and_point_to_the_higher_levels_contact(
    client, continuum_page
):
    result = result_text(
        guide(client, continuum_page, LEVEL_2_PARENTING, LEVEL_4_DISCLOSURE, LEVEL_3_MISSING)
    )
    assert "usually point to: Level 4: Urgent protection (statutory help)" in result
    assert "Your indicators span levels 2 to 4" in result
    assert "The contact below is for the higher level, level 4." in result
    assert "Phone the Referral Hub at once" in result
    assert "Referral Hub: Open now" in result
    # Each chosen indicator is listed with its level, in the continuum's order.
    assert (
        result.index(f"{LEVEL_2_PARENTING} (level 2)")
        < result.index(f"{LEVEL_3_MISSING} (level 3)")
        < result.index(f"{LEVEL_4_DISCLOSURE} (level 4)")
    )


def test_when_closed_the_out_of_hours_route_comes_first_and_999_before_everything(
    client, continuum_page
):
    closed = result_text(guide(client, continuum_page, LEVEL_4_DISCLOSURE, moment=CLOSED))
    assert "Referral Hub: Closed now. Opens again at 8am on Monday 30 November." in closed
    emergency = closed.index("If a child is in immediate danger, call 999.")
    out_of_hours = closed.index("Out of hours: Night Duty Service")
    front_door = closed.index("Phone: 01632 960 103")
    assert emergency < out_of_hours < front_door

    open_now = result_text(guide(client, continuum_page, LEVEL_4_DISCLOSURE, moment=OPEN))
    assert (
        open_now.index("call 999")
        < open_now.index("Phone: 01632 960 103")
        < open_now.index("Out of hours: Night Duty Service")
    )


def test_the_page_starts_with_999_and_says_the_judgement_is_theirs_and_nothing_is_recorded(
    client, continuum_page
):
    page_html = guide(client, continuum_page)
    main = BeautifulSoup(page_html, "html.parser").select_one("main")
    text = " ".join(main.get_text(" ").split())
    assert text.index("If a child is in immediate danger, call 999.") < text.index(
        "Which of these do you see?"
    )
    assert "The judgement is yours." in text
    assert "The guide records nothing." in text
    assert "Tick the indicators you see above" in result_text(page_html)


def test_the_form_asks_only_for_ticks_and_an_age_group_by_get(client, continuum_page):
    form = BeautifulSoup(guide(client, continuum_page), "html.parser").select_one(
        "form[data-continuum-guide]"
    )
    assert form["method"] == "get"
    assert not form.select("textarea")
    assert {field["type"] for field in form.select("input")} == {"checkbox"}
    assert {field["name"] for field in form.select("input, select")} == {"indicator", "age"}
    assert set(ContinuumOfSupportPage.cache_query_parameters) == {"indicator", "age"}
    # Checkboxes grouped by the framework's three domains, in its order.
    assert [legend.get_text() for legend in form.select("legend")] == [
        domain.label for domain in Domain
    ]


def test_guide_answers_are_cached_and_set_no_cookies(client, continuum_page):
    ids = indicator_ids(continuum_page, LEVEL_3_MISSING)
    with override_settings(PAGE_CACHE_SECONDS=600):
        first = client.get(continuum_page.url, {"indicator": ids})
        second = client.get(continuum_page.url, {"indicator": ids})
    assert not first.cookies and not second.cookies
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"


def test_age_filter_hides_other_ages_indicators_but_never_a_chosen_one(client, continuum_page):
    soup = BeautifulSoup(
        guide(client, continuum_page, LEVEL_3_MISSING, age="unborn"), "html.parser"
    )

    def hidden(text):
        (label,) = [label for label in soup.select("label") if label.get_text().startswith(text)]
        return label.find_parent("div").has_attr("hidden")

    assert soup.select_one("#guide-age option[selected]")["value"] == "unborn"
    assert hidden(SCHOOL_AGE)  # 5 to 11, 12 and over
    assert not hidden(UNBORN)  # unborn
    assert not hidden(LEVEL_3_FAMILY)  # any age
    assert not hidden(LEVEL_3_MISSING)  # 12 and over, but ticked


def test_unknown_indicators_and_age_groups_are_left_out_with_a_message(client, continuum_page):
    ids = indicator_ids(continuum_page, LEVEL_2_PARENTING)
    response = client.get(
        continuum_page.url, {"indicator": [*ids, "no-such-indicator"], "age": "<script>"}
    )
    assert response.status_code == 200
    result = result_text(html.unescape(response.content.decode()))
    assert "1 of the indicators in this page's address is no longer in the guide" in result
    assert "Level 2: Some extra help (family support)" in result
    assert "<script>" not in response.content.decode()


def test_the_guide_costs_the_same_queries_however_many_indicators(client, continuum_page):
    url = continuum_page.url
    empty = count_queries(client, url)
    every_id = list(continuum_page.continuum().indicators)
    everything = count_queries(client, f"{url}?" + "&".join(f"indicator={id}" for id in every_id))

    level = continuum_page.levels[0]
    indicator_block = level.block.child_blocks["indicators"].child_block
    level.value["indicators"].extend(
        indicator_block.to_python(
            {"domain": Domain.FAMILY_AND_ENVIRONMENT, "text": f"Added {number}", "age_groups": []}
        )
        for number in range(60)
    )
    continuum_page.save_revision().publish()
    every_id = list(ContinuumOfSupportPage.objects.get(pk=continuum_page.pk).continuum().indicators)
    more_url = f"{url}?" + "&".join(f"indicator={id}" for id in every_id)
    more = count_queries(client, more_url)
    assert "Added 59" in client.get(more_url).content.decode()
    assert empty == everything == more
    assert more <= QUERY_BUDGET


def test_every_level_colour_keeps_its_text_at_aa_contrast():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in LevelColour:
        rule = re.search(
            rf"\.level-colour--{colour.value} \{{ background-color: (#[0-9a-f]{{6}}); "
            rf"color: (#[0-9a-f]{{6}}); \}}",
            css,
        )
        assert rule, f"no rule for the level colour {colour.label}"
        lighter, darker = sorted(map(luminance, rule.groups()), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, colour.label


def test_the_page_is_in_the_sitemap_and_linked_from_a_page_about_concerns(client, continuum_page):
    concerned = create_guidance_page(
        "Worried about a child at the youth club",
        paragraphs=[
            f'<p>Use the <a linktype="page" id="{continuum_page.pk}">levels of need guide</a>.</p>'
        ],
    )
    assert f"http://localhost{continuum_page.url}" in client.get("/sitemap.xml").content.decode()
    assert f'href="{continuum_page.url}"' in client.get(concerned.url).content.decode()


# Editing through the admin, under the "Partnership approval" workflow.


def level_form_data(level, indicators):
    """One level's part of the page's edit form; indicators are (id or None, value)."""
    value = level.value
    return {
        "name": value["name"],
        "colour": value["colour"],
        "description": rich_text(value["description"].source),
        "what_to_do": rich_text(value["what_to_do"].source),
        "contact": value["contact"],
        "indicators": {
            "count": str(len(indicators)),
            **{
                str(index): {
                    "id": indicator_id or "",
                    "deleted": "",
                    "order": str(index),
                    "value": {"domain": item["domain"], "text": item["text"]},
                }
                for index, (indicator_id, item) in enumerate(indicators)
            },
        },
    }


def continuum_form(page, levels, action):
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "search_description": page.search_description,
            "intro": rich_text(page.intro),
            "levels": streamfield([("level", level) for level in levels]),
            "owner_team": page.owner_team,
            "owner_name": page.owner_name,
            "owner_email": page.owner_email,
            "last_reviewed_on": page.last_reviewed_on.isoformat(),
            "review_interval_months": page.review_interval_months,
            action: action,
        }
    )
    # Each indicator's age groups: ticked boxes, sent as one name with several values.
    for name in [key for key in data if key.endswith("-value-text")]:
        data[name.replace("-value-text", "-value-age_groups")] = []
    return data


def edited_levels(page, new_indicator, renamed_level_name):
    """The page's levels, with the last level renamed and a new indicator at level 3."""
    levels = []
    for number, level in enumerate(page.levels, start=1):
        indicators = [(child.id, child.value) for child in level.value["indicators"].bound_blocks]
        if number == 3:
            indicators.append((None, {"domain": "child", "text": new_indicator}))
        data = level_form_data(level, indicators)
        if number == len(page.levels):
            data["name"] = renamed_level_name
        levels.append(data)
    return levels


@pytest.fixture
def page_cache_on():
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield


def test_editors_change_the_continuum_through_the_admin_and_approval(
    client, continuum_page, editor, approver, page_cache_on
):
    new_indicator = "Young carer with no support at home"
    kept_id = indicator_ids(continuum_page, LEVEL_3_MISSING)[0]
    client.get(continuum_page.url)  # cached before the change

    response = logged_in(editor).post(
        edit_url(continuum_page),
        continuum_form(
            continuum_page,
            edited_levels(continuum_page, new_indicator, "Specialist and statutory help"),
            "action-submit",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    state = WorkflowState.objects.get(object_id=str(continuum_page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    public = html.unescape(client.get(continuum_page.url).content.decode())
    assert new_indicator not in public
    assert "Level 4: Urgent protection (statutory help)" in public

    continuum_page.refresh_from_db()
    task_state = continuum_page.current_workflow_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[continuum_page.pk, "approve", task_state.pk]
    )
    assert logged_in(approver).post(approve, {"comment": ""}).status_code == 302

    public = html.unescape(client.get(continuum_page.url).content.decode())
    assert new_indicator in public
    assert "Level 4: Specialist and statutory help" in public
    # An unchanged indicator keeps its identifier: a bookmarked answer still works.
    result = result_text(
        guide(client, ContinuumOfSupportPage.objects.get(pk=continuum_page.pk), LEVEL_3_MISSING)
    )
    assert kept_id in public
    assert "Level 3: Several needs (targeted support)" in result


def test_an_editor_cannot_publish_the_continuum(continuum_page, editor):
    response = logged_in(editor).post(
        edit_url(continuum_page),
        continuum_form(
            continuum_page,
            edited_levels(continuum_page, "Published without approval", "Renamed"),
            "action-publish",
        ),
    )
    assert response.status_code in (302, 403)
    assert "Published without approval" not in str(
        ContinuumOfSupportPage.objects.get(pk=continuum_page.pk).levels.raw_data
    )


def test_the_continuum_is_in_the_review_report(continuum_page, django_user_model):
    reviewer = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw")
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    response = logged_in(reviewer).get("/admin/reports/review-dates/", {"owner": OWNER_EMAIL})
    assert continuum_page.title in [row[0] for row in report_rows(response)]
