"""The "We used this" form of a 7-minute briefing: a team says it discussed the briefing;
bad input is explained next to its field and kept; scripts and floods are refused without
a third-party service; briefing pages themselves set no cookie."""

import copy
import datetime
import time

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from learning.forms import BriefingUseForm
from learning.models import BriefingUse
from learning.views import POSTS_PER_HOUR
from tests.factories import create_agency, create_briefing, create_case_review_library

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_briefing")]


@pytest.fixture(scope="module")
def shared_briefing(module_db, django_db_blocker):
    with django_db_blocker.unblock():
        return create_briefing(
            create_case_review_library(),
            "Seeing the child",
            search_description="Learning from Child A.",
        )


@pytest.fixture
def briefing(db, shared_briefing):
    """A published briefing in a case review library: every test of the module starts from
    it, made once for the module; each test has its own copy."""
    return copy.deepcopy(shared_briefing)


@pytest.fixture
def agency(db):
    return create_agency("Harbourside health visiting")


def form_url(briefing):
    return reverse("learning:we_used_this", args=[briefing.pk])


def answers(briefing, agency, **changes):
    return {
        "team": "Riverside health visiting team",
        "agency": agency.pk,
        "discussed_on": "2026-11-20",
        "participants": "8",
        "planned_change": "Ask who else lives in the home at every visit.",
        "website": "",
        # Opened a minute ago, as a person would have.
        "token": BriefingUseForm.token_for(briefing.pk, shown=time.time() - 60),
        **changes,
    }


def test_briefing_page_links_the_form_and_sets_no_cookie(client, briefing):
    response = client.get(briefing.url)
    assert "Set-Cookie" not in response.headers
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("a", href=form_url(briefing))


def test_form_warns_not_to_name_children_or_families(client, briefing, agency):
    html = client.get(form_url(briefing)).content.decode()
    assert "Do not include the names or any details of children or families" in html
    assert agency.name in html


def test_a_team_records_that_it_used_the_briefing_without_any_cookie(briefing, agency):
    client = Client(enforce_csrf_checks=True)
    assert not client.get(form_url(briefing)).cookies
    response = client.post(form_url(briefing), answers(briefing, agency))
    assert response.status_code == 302
    assert not response.cookies
    use = BriefingUse.objects.get()
    assert (use.briefing_id, use.agency, use.participants) == (briefing.pk, agency, 8)
    assert use.discussed_on == datetime.date(2026, 11, 20)
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_bad_input_is_explained_next_to_its_field_and_kept(client, briefing, agency):
    response = client.post(
        form_url(briefing),
        answers(briefing, agency, participants="0", discussed_on="2099-01-01", team=""),
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    errors = {p["id"]: p.get_text(strip=True) for p in soup.select(".form-field__error")}
    assert "future" in errors["id_discussed_on-error"]
    assert "id_participants-error" in errors and "id_team-error" in errors
    assert soup.find("input", {"name": "planned_change"})["value"].startswith("Ask who else")
    assert soup.title.get_text().startswith("Error:")
    assert not BriefingUse.objects.exists()


def test_a_filled_honeypot_stores_nothing(client, briefing, agency):
    response = client.post(
        form_url(briefing), answers(briefing, agency, website="http://spam.example")
    )
    assert response.status_code == 302
    assert not BriefingUse.objects.exists()


def test_a_form_sent_too_fast_is_refused_and_kept(client, briefing, agency):
    token = BriefingUseForm.token_for(briefing.pk)
    response = client.post(form_url(briefing), answers(briefing, agency, token=token))
    assert response.status_code == 400
    assert "sent very quickly" in response.content.decode()
    assert "Riverside health visiting team" in response.content.decode()
    assert not BriefingUse.objects.exists()


def test_a_forged_timestamp_is_refused(client, briefing, agency):
    response = client.post(form_url(briefing), answers(briefing, agency, token="1.forged"))
    assert response.status_code == 400
    assert not BriefingUse.objects.exists()


def test_posts_from_one_address_are_throttled(client, briefing, agency):
    for _ in range(POSTS_PER_HOUR):
        assert client.post(form_url(briefing), answers(briefing, agency)).status_code == 302
    response = client.post(form_url(briefing), answers(briefing, agency))
    assert response.status_code == 429
    assert "Riverside health visiting team" in response.content.decode()
    assert BriefingUse.objects.count() == POSTS_PER_HOUR
    other = client.post(form_url(briefing), answers(briefing, agency), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_an_unpublished_briefing_has_no_form(client, briefing):
    briefing.unpublish()
    assert client.get(form_url(briefing)).status_code == 404
