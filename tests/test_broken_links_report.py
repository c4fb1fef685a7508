"""Reports → Broken links and its dashboard panel: which external links failed at the last
check, since when, where each is used, and who may see it."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from linkhealth.external_urls import external_urls
from linkhealth.link_checker import CheckResult
from linkhealth.models import LinkCheck, LinkUse
from linkhealth.views import BrokenLinksReport
from procedures.models import ProcedureLink
from procedures.views import ProcedureChecksReport
from sitewide.models import PartnershipSettings
from tests.admin_reports import cell_text, report_cells
from tests.editorial import sign_in
from tests.factories import create_consortium_partnership, create_procedure_link
from tests.query_counts import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

REPORT_URL = "/admin/reports/broken-links/"
MISSING = "https://procedures.example.org/p_home_conditions_old.html"
REFUSED = "https://riverside.example.org/"
NOW = timezone.now()
THREE_DAYS_AGO = NOW - datetime.timedelta(days=3)


def run_check(uses, failures, checked_at):
    """Record a run of check_links in which every address works except `failures`."""
    results = [
        failures.get(url) or CheckResult(url, status_code=200, final_url=url) for url in uses
    ]
    results = [CheckResult(**{**result.__dict__, "checked_at": checked_at}) for result in results]
    return LinkCheck.objects.record(results, uses)


@pytest.fixture
def link():
    return create_procedure_link("Home conditions", url=MISSING)


@pytest.fixture
def partnership():
    return create_consortium_partnership("Riverside", website=REFUSED)


@pytest.fixture
def broken_links(guidance_page, link, partnership):
    """Two addresses failing since three days ago: one in a page, a procedure link and the
    footer, one a partnership's website."""
    guidance_page.body.append(
        ("paragraph", f'<p>See <a href="{MISSING}">the old chapter on home conditions</a>.</p>')
    )
    guidance_page.save_revision().publish()
    settings = PartnershipSettings.objects.get()
    settings.footer_links.append(
        ("link", {"page": None, "document": None, "url": MISSING, "text": "Home conditions"})
    )
    settings.save()

    uses = external_urls()
    failures = {
        MISSING: CheckResult(
            MISSING,
            status_code=404,
            final_url=MISSING.replace("_old", ""),
            redirect_chain=[{"url": MISSING, "status_code": 301}],
        ),
        REFUSED: CheckResult(REFUSED, error="Connection refused"),
    }
    run_check(uses, {MISSING: failures[MISSING]}, THREE_DAYS_AGO)
    run_check(uses, failures, NOW)
    return uses


def rows_by_address(response):
    return {cell_text(row[0]).split(" ")[0]: row for row in report_cells(response)}


def edit_url(instance):
    if isinstance(instance, Page):
        return reverse("wagtailadmin_pages:edit", args=[instance.pk])
    if isinstance(instance, PartnershipSettings):
        return reverse(
            "wagtailsettings:edit", args=["sitewide", "partnershipsettings", instance.site_id]
        )
    return reverse(
        f"wagtailsnippets_procedures_{instance._meta.model_name}:edit", args=[instance.pk]
    )


def test_the_report_says_what_failed_since_when_and_where(
    admin_client, broken_links, guidance_page, link, partnership
):
    rows = rows_by_address(admin_client.get(REPORT_URL))
    assert list(rows) == [MISSING, REFUSED]

    missing = rows[MISSING]
    assert cell_text(missing[0]) == f"{MISSING} Redirected to {MISSING.replace('_old', '')}"
    assert cell_text(missing[1]) == "404 Not Found"
    assert "3\xa0days ago" in cell_text(missing[2]) or "3 days ago" in cell_text(missing[2])
    settings = PartnershipSettings.objects.get()
    used = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> \(([^)]+)\), ([^<]+)</li>', missing[4])
    assert used == [
        (edit_url(guidance_page), guidance_page.title, "page", "Body: Paragraph"),
        (edit_url(link), link.title, "procedure link", "Address"),
        (
            edit_url(settings),
            settings.partnership_name,
            "partnership settings",
            "Footer links: Link",
        ),
    ]

    refused = rows[REFUSED]
    assert cell_text(refused[1]) == "Connection refused"
    assert (
        f'<a href="{edit_url(partnership)}">{partnership.name}</a> (consortium partnership), '
        "Website" in (refused[4])
    )


def test_working_links_are_not_listed_and_recovered_ones_drop_off(admin_client, broken_links):
    assert LinkCheck.objects.count() > 2
    run_check(broken_links, {}, NOW)
    assert "There are no broken links to display." in admin_client.get(REPORT_URL).content.decode()


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def xlsx_rows(response):
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell if cell is not None else "" for cell in row] for row in sheet.values]


HEADINGS = [
    "Address",
    "Problem",
    "Redirected to",
    "Failing since",
    "Last checked",
    "Where it is used",
]


def test_the_exports_match_the_report(admin_client, broken_links, guidance_page, link):
    on_screen = [
        [
            cell_text(row[0]).split(" ")[0],
            cell_text(row[1]),
            ", ".join(cell_text(use) for use in re.findall(r"<li>(.*?)</li>", row[4], re.S)),
        ]
        for row in report_cells(admin_client.get(REPORT_URL))
    ]
    for rows in (
        csv_rows(admin_client.get(REPORT_URL, {"export": "csv"})),
        xlsx_rows(admin_client.get(REPORT_URL, {"export": "xlsx"})),
    ):
        assert rows[0] == HEADINGS
        assert [[row[0], row[1], row[5]] for row in rows[1:]] == on_screen

    missing = xlsx_rows(admin_client.get(REPORT_URL, {"export": "xlsx"}))[1]
    assert missing[2] == MISSING.replace("_old", "")
    assert isinstance(missing[3], datetime.datetime)
    settings = PartnershipSettings.objects.get()
    assert missing[5] == (
        f"{guidance_page.title} (page), Body: Paragraph, "
        f"{link.title} (procedure link), Address, "
        f"{settings.partnership_name} (partnership settings), Footer links: Link"
    )


def member_of(django_user_model, name, *codenames):
    group = Group.objects.create(name=name)
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user = django_user_model.objects.create_user(name.lower().replace(" ", "-"), "", "pw")
    user.groups.add(group)
    return user


def test_only_staff_with_the_permission_see_the_report(client, django_user_model, broken_links):
    assert client.get(REPORT_URL)["Location"].startswith(reverse("wagtailadmin_login"))

    editor = django_user_model.objects.create_user("editor", "", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    sign_in(client, editor)
    assert client.get(REPORT_URL)["Location"] == reverse("wagtailadmin_home")
    assert client.get(REPORT_URL, {"export": "csv"})["Location"] == reverse("wagtailadmin_home")
    dashboard = client.get("/admin/").content.decode()
    assert "broken-links" not in dashboard

    checker = member_of(django_user_model, "Link checkers", "access_admin", "view_link_health")
    sign_in(client, checker)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    # They may see where the links are but not edit those pages and snippets.
    assert "/edit/" not in "".join(row[4] for row in report_cells(response))
    dashboard = client.get("/admin/").content.decode()
    assert 'id="broken-links-section"' in dashboard


def test_the_dashboard_panel_counts_the_failing_links(admin_client, broken_links):
    page = admin_client.get("/admin/").content.decode()
    panel = page[page.index('id="broken-links-section"') :]
    panel = panel[: panel.index("</section>")]
    assert (
        f'<a href="{REPORT_URL}"><strong class="w-text-22">2</strong> external links failing</a>'
        in (panel)
    )


def test_the_dashboard_panel_before_any_check(admin_client):
    LinkCheck.objects.all().delete()
    assert (
        "External links have not been checked yet." in admin_client.get("/admin/").content.decode()
    )


def add_failing_links(count, guidance_page, link):
    page_type = ContentType.objects.get_for_model(Page)
    link_type = ContentType.objects.get_for_model(ProcedureLink)
    uses = {
        f"https://broken{number}.example.org/": [
            LinkUse(page_type.pk, guidance_page.pk, guidance_page.title, "Body: Paragraph", "/a/"),
            LinkUse(link_type.pk, link.pk, link.title, "Address", "/b/"),
        ]
        for number in range(count)
    }
    existing = {check.url: [] for check in LinkCheck.objects.all()}
    failures = {url: CheckResult(url, status_code=410) for url in uses}
    run_check({**existing, **uses}, failures, NOW)


@pytest.fixture
def web_team_client(client, django_user_model):
    sign_in(
        client,
        member_of(
            django_user_model,
            "Web team",
            "access_admin",
            "view_link_health",
            "change_procedurelink",
        ),
    )
    return client


@pytest.mark.parametrize(
    "url", [REPORT_URL, f"{REPORT_URL}?ordering=-checked_at", f"{REPORT_URL}?export=xlsx"]
)
def test_the_report_costs_the_same_with_5_or_50_broken_links(
    web_team_client, guidance_page, link, url
):
    add_failing_links(5, guidance_page, link)
    with_5 = count_queries(web_team_client, url)
    add_failing_links(50, guidance_page, link)
    assert count_queries(web_team_client, url) == with_5


def test_the_dashboard_panel_costs_the_same_however_many_are_broken(
    web_team_client, guidance_page, link
):
    LinkCheck.objects.all().delete()
    without_panel = count_queries(web_team_client, "/admin/")
    add_failing_links(5, guidance_page, link)
    with_5 = count_queries(web_team_client, "/admin/")
    add_failing_links(50, guidance_page, link)
    assert count_queries(web_team_client, "/admin/") == with_5 == without_panel


@pytest.mark.parametrize("view_class", [BrokenLinksReport, ProcedureChecksReport])
def test_the_views_refuse_whoever_gets_past_the_admin_urls(view_class, django_user_model):
    """The reports must not rely on the admin's URL decorators or on a hidden menu item."""
    view = view_class.as_view()
    request = RequestFactory().get(REPORT_URL)
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))

    request.user = django_user_model.objects.create_user("editor", "", "pw")
    request.user.groups.add(Group.objects.get(name="Editors"))
    with pytest.raises(PermissionDenied):
        view(request)
