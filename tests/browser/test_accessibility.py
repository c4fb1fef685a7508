"""Every public page against WCAG 2.2 AA, as far as a machine can tell: axe-core at desktop
and phone widths, reflow at 320 px, heading structure, link text, and the skip link
(reflow at 400% zoom and every tab stop: test_reflow_and_focus.py)."""

import re

import pytest

from tests.public_pages import NOT_FOUND_PATH

from .browsing import FOCUS_FACTS, too_wide

pytestmark = pytest.mark.django_db

# Link text that says nothing once read out of its sentence, e.g. in a screen reader's
# list of links.
MEANINGLESS_LINK_TEXT = {
    "click here",
    "continue",
    "download",
    "find out more",
    "here",
    "link",
    "more",
    "more information",
    "read more",
    "this page",
}


def describe(violation):
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"


def test_every_public_page_is_served(site_audit):
    wrong = [
        f"{path}: HTTP {report.status}"
        for path, report in site_audit.in_viewport("desktop")
        if report.status != (404 if path == NOT_FOUND_PATH else 200)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_wcag_violations(site_audit, viewport):
    violations = [
        f"{path}: {describe(violation)}"
        for path, report in site_audit.in_viewport(viewport)
        for violation in report.violations
    ]
    assert not violations, f"axe-core at {viewport} width:\n" + "\n".join(violations)


def test_pages_reflow_without_horizontal_scrolling_on_a_phone(site_audit):
    wide = too_wide(site_audit.in_viewport("phone"))
    assert not wide, "\n".join(wide)


def test_one_h1_and_no_skipped_heading_levels(site_audit):
    problems = []
    for path, report in site_audit.in_viewport("desktop"):
        levels = [level for level, _text in report.headings]
        if levels.count(1) != 1:
            problems.append(f"{path}: {levels.count(1)} h1 elements")
        for (previous, _), (level, text) in zip(
            [(0, "")] + report.headings, report.headings, strict=False
        ):
            if level > previous + 1:
                problems.append(f"{path}: h{level} “{text}” follows h{previous}")
    assert not problems, "\n".join(problems)


def test_link_text_makes_sense_out_of_context(site_audit):
    problems = []
    for path, report in site_audit.in_viewport("desktop"):
        destinations = {}
        for text, href in report.links:
            name = re.sub(r"\W+", " ", text).strip().lower()
            if not name or name in MEANINGLESS_LINK_TEXT:
                problems.append(f"{path}: link “{text}” to {href}")
            destinations.setdefault(name, set()).add(href.split("#")[0])
        problems += [
            f"{path}: “{name}” links to {len(hrefs)} different places"
            for name, hrefs in destinations.items()
            if len(hrefs) > 1
        ]
    assert not problems, "\n".join(problems)


def test_no_script_errors(site_audit):
    errors = site_audit.script_errors()
    assert not errors, "\n".join(errors)


def test_skip_link_is_the_first_tab_stop_and_visible_when_focused(tab):
    tab.open("/")
    tab.page.keyboard.press("Tab")
    focus = tab.page.evaluate(FOCUS_FACTS)
    assert "skip-link" in focus["element"]
    assert focus["inWindow"] and not focus["covered"], focus
    assert focus["indicator"], focus
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main-content"


def test_print_layout_leaves_out_navigation_and_controls(tab):
    tab.page.emulate_media(media="print")
    tab.open("/")
    for selector in [".quick-exit", ".site-search", ".primary-nav", ".skip-link"]:
        assert not tab.page.locator(selector).is_visible(), selector
    assert tab.page.locator("main h1").is_visible()
