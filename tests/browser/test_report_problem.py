"""'Report a problem with this page' as a reader uses it in a real browser, without
JavaScript: from the page to the form, and a form sent back with a mistake keeps what they
typed and says what to fix. The browser is given no cookie on the way."""

import pytest

from .browsing import Tab
from .committed import published_guidance_page

pytestmark = pytest.mark.django_db

TYPED = "The chapter on multi-agency meetings links to an old version."


@pytest.fixture(scope="module")
def guidance_url(django_db_setup, django_db_blocker):
    """The address of a guidance page of the module's own, with an owner to report to,
    committed for the live server."""
    with (
        django_db_blocker.unblock(),
        published_guidance_page(
            "Planning a home visit",
            owner_team="Partnership business unit",
            owner_name="Sam Owner",
            owner_email="sam.owner@example.org",
        ) as page,
    ):
        yield page.url


def test_a_reader_reaches_the_form_and_a_mistake_is_explained(browser, site_url, guidance_url):
    tab = Tab(browser, site_url, java_script_enabled=False)
    tab.open(guidance_url)
    tab.page.get_by_role("link", name="Report a problem with this page").click()
    tab.page.get_by_role("heading", name="Report a problem with this page").wait_for()
    # The heading can show before the style sheet, which hides the trap field, has loaded:
    # a machine busy with a whole test run has shown the page in between.
    tab.page.wait_for_load_state("load")
    assert tab.page.get_by_text("Do not include personal details").first.is_visible()
    # The trap field is there for robots only: people never see it.
    assert not tab.page.get_by_label("Leave this empty").is_visible()

    tab.page.get_by_label("Tell us more (optional)").fill(TYPED)
    tab.page.get_by_role("button", name="Send report").click()

    summary = tab.page.get_by_role("alert")
    summary.get_by_role("heading", name="There is a problem").wait_for()
    summary.get_by_role("link", name="Choose what is wrong with this page.").click()
    assert tab.page.evaluate("document.activeElement.id") == "id_reason_0"
    assert tab.page.get_by_label("Tell us more (optional)").input_value() == TYPED
    assert tab.context.cookies() == []
    tab.close()
