"""What users who zoom and who use the keyboard meet: every public page reflows at 400%
zoom, and every tab stop shows focus and is not hidden, at desktop width and zoomed.

A module of its own, so that pytest-xdist runs it beside the axe-core audit
(test_accessibility.py) rather than after it: it starts its own browser and server."""

import pytest

from tests.public_pages import one_path_per_template

from .browsing import ANYTHING_STUCK, FOCUS_FACTS, Tab, too_wide

pytestmark = pytest.mark.django_db


def test_pages_reflow_without_horizontal_scrolling_at_400_percent_zoom(zoomed_site_audit):
    wide = too_wide(zoomed_site_audit.in_viewport("zoom-400"))
    assert not wide, "\n".join(wide)


def test_zoomed_pages_run_their_scripts_and_ask_no_other_site(zoomed_site_audit):
    # What test_accessibility.py and test_privacy.py ask of the audit at desktop and phone
    # widths, asked of this one.
    problems = zoomed_site_audit.script_errors() + zoomed_site_audit.requests_elsewhere()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def page_of_each_template(django_db_blocker):
    with django_db_blocker.unblock():
        return one_path_per_template()


@pytest.mark.parametrize("viewport", ["desktop", "zoom-400"])
def test_every_tab_stop_shows_focus_and_is_not_hidden(
    browser, site_url, page_of_each_template, viewport
):
    # Both ways round where something stays stuck on screen: going forwards the browser
    # scrolls focus into view at the bottom of the window, going backwards at the top,
    # under what is stuck there. With nothing stuck, where focus shows does not depend on
    # the way it came (the quick exit bar is stuck only in a window at least 30em tall).
    # On a page of each template: what is focusable, how focus shows and what stays stuck
    # on screen are the templates' and the style sheet's, and each page takes seconds.
    tab = Tab(browser, site_url, viewport)
    problems = set()
    walked_backwards = []
    for path in page_of_each_template:
        tab.open(path)
        keys = ["Tab"]
        if tab.page.evaluate(ANYTHING_STUCK):
            keys.append("Shift+Tab")
            walked_backwards.append(path)
        for key in keys:
            seen = set()
            for _stop in range(300):
                tab.page.keyboard.press(key)
                focus = tab.page.evaluate(FOCUS_FACTS)
                if focus["isBody"] or focus["element"] in seen:
                    break
                seen.add(focus["element"])
                if not focus["indicator"]:
                    problems.add(f"{path}: no focus indicator on {focus['element']}")
                if focus["textContrast"] is not None and focus["textContrast"] < 4.5:
                    problems.add(
                        f"{path}: text contrast {focus['textContrast']:.1f}:1 when focused: "
                        f"{focus['element']}"
                    )
                if not focus["inWindow"] or focus["covered"]:
                    problems.add(f"{path}: focused but hidden: {focus['element']}")
    tab.close()
    assert not problems, f"At {viewport}:\n" + "\n".join(sorted(problems))
    # The quick exit bar, on every page, is stuck in a desktop window.
    assert walked_backwards == (page_of_each_template if viewport == "desktop" else [])
