"""Reports → Briefings used: partnership staff see, per briefing and per agency, how many
teams used each 7-minute briefing, as a chart and a table, and download it."""

import copy
import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from learning.models import BriefingUse
from tests.admin_reports import report_rows
from tests.editorial import logged_in, staff_member
from tests.factories import create_agency, create_briefing, create_case_review_library

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_uses")]

URL = "/admin/reports/briefings-used/"


@pytest.fixture(scope="module")
def shared_uses(module_db, django_db_blocker):
    with django_db_blocker.unblock():
        # The report counts every use recorded on the site: only these.
        BriefingUse.objects.all().delete()
        library = create_case_review_library()
        briefings = [
            create_briefing(library, title, search_description="Learning.")
            for title in ("Seeing the child", "Hidden men")
        ]
        health = create_agency("Harbourside health visiting")
        police = create_agency("Harbourside police")
        for briefing, agency, participants in [
            (briefings[0], health, 8),
            (briefings[0], health, 5),
            (briefings[0], police, 12),
            (briefings[1], police, 3),
        ]:
            BriefingUse.objects.create(
                briefing=briefing,
                agency=agency,
                team=f"{agency} team",
                discussed_on=datetime.date(2026, 10, 1),
                participants=participants,
            )
        return briefings


@pytest.fixture
def uses(db, shared_uses):
    """Two briefings and the four uses recorded of them, the only uses on the site: every
    test of the module starts from them (made once; each test has its own copies)."""
    return copy.deepcopy(shared_uses)


@pytest.mark.parametrize("group", ["Approvers", "Reviewers"])
def test_staff_see_teams_per_briefing_and_agency(uses, group):
    client = logged_in(staff_member("staff", group))
    response = client.get(URL)
    assert report_rows(response) == [
        ["Hidden men", "Harbourside police", "1", "3"],
        ["Seeing the child", "Harbourside health visiting", "2", "13"],
        ["Seeing the child", "Harbourside police", "1", "12"],
    ]
    soup = BeautifulSoup(response.content, "html.parser")
    chart = soup.find("svg", role="img")
    caption = soup.find(id=chart["aria-labelledby"])
    assert "4 in all" in caption.get_text()
    assert [t.get_text() for t in chart.find_all("text")][1::2] == ["1", "2", "1"]
    assert len(chart.find_all("rect")) == 3


def test_editors_neither_see_the_report_nor_its_menu_item(uses, editor):
    client = logged_in(editor)
    response = client.get(URL)
    assert response.status_code == 302
    assert "Hidden men" not in client.get(response["Location"]).content.decode()
    assert URL not in client.get("/admin/").content.decode()


def test_report_downloads_as_csv_and_xlsx(uses):
    client = logged_in(staff_member("staff", "Approvers"))
    response = client.get(URL + "?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["7-minute briefing", "Agency", "Teams", "People who took part"]
    assert rows[1:] == [
        ["Hidden men", "Harbourside police", "1", "3"],
        ["Seeing the child", "Harbourside health visiting", "2", "13"],
        ["Seeing the child", "Harbourside police", "1", "12"],
    ]
    xlsx = client.get(URL + "?export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    values = list(workbook.active.values)
    assert values[2] == ("Seeing the child", "Harbourside health visiting", 2, 13)
