"""Every public page against WCAG 2.2 AA, as far as a machine can tell: axe-core at desktop
and phone widths, reflow at 320 px and at 400% zoom, heading structure, link text, and
what keyboard users see."""

import re

import pytest

from tests.public_pages import NOT_FOUND_PATH, one_path_per_template

from .browsing import Tab

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

# Where focus is and how it shows, for the element that has it. The contrast of its text
# is measured where it has a background of its own (axe-core sees no focus styles).
FOCUS_FACTS = """() => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((value) => {
      const channel = value / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const element = document.activeElement;
  const box = element.getClientRects()[0] || element.getBoundingClientRect();
  const style = getComputedStyle(element);
  const [lighter, darker] = [luminance(style.color), luminance(style.backgroundColor)]
    .sort((a, b) => b - a);
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  const onTop = document.elementFromPoint(x, y);
  return {
    element: element.outerHTML.slice(0, 120),
    isBody: element === document.body,
    // Within a pixel: scrolling into view can leave a fraction of one outside.
    inWindow: box.width > 0 && box.height > 0 && box.top > -1 && box.left > -1
      && box.bottom < innerHeight + 1 && box.right < innerWidth + 1,
    covered: !(onTop && (onTop === element || element.contains(onTop))),
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && style.outlineColor !== "rgba(0, 0, 0, 0)") || style.boxShadow !== "none",
    textContrast: style.backgroundColor === "rgba(0, 0, 0, 0)"
      ? null : (lighter + 0.05) / (darker + 0.05),
  };
}"""


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


@pytest.mark.parametrize("viewport", ["phone", "zoom-400"])
def test_pages_reflow_without_horizontal_scrolling(site_audit, viewport):
    too_wide = [
        f"{path}: {report.width} px of content in a {report.window_width} px window"
        for path, report in site_audit.in_viewport(viewport)
        if report.width > report.window_width
    ]
    assert not too_wide, "\n".join(too_wide)


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
    assert not site_audit.errors, "\n".join(f"{path}: {error}" for path, error in site_audit.errors)


def test_skip_link_is_the_first_tab_stop_and_visible_when_focused(tab):
    tab.open("/")
    tab.page.keyboard.press("Tab")
    focus = tab.page.evaluate(FOCUS_FACTS)
    assert "skip-link" in focus["element"]
    assert focus["inWindow"] and not focus["covered"], focus
    assert focus["indicator"], focus
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main-content"


@pytest.fixture(scope="module")
def page_of_each_template(django_db_blocker):
    with django_db_blocker.unblock():
        return one_path_per_template()


@pytest.mark.parametrize("viewport", ["desktop", "zoom-400"])
def test_every_tab_stop_shows_focus_and_is_not_hidden(
    browser, site_url, page_of_each_template, viewport
):
    # Both ways round: going forwards the browser scrolls focus into view at the bottom
    # of the window, going backwards at the top, under anything stuck there. On a page of
    # each template: what is focusable, how focus shows and what stays stuck on screen
    # are the templates' and the style sheet's, and each page takes seconds.
    tab = Tab(browser, site_url, viewport)
    problems = set()
    for path in page_of_each_template:
        tab.open(path)
        for key in ["Tab", "Shift+Tab"]:
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


def test_print_layout_leaves_out_navigation_and_controls(tab):
    tab.page.emulate_media(media="print")
    tab.open("/")
    for selector in [".quick-exit", ".site-search", ".primary-nav", ".skip-link"]:
        assert not tab.page.locator(selector).is_visible(), selector
    assert tab.page.locator("main h1").is_visible()
