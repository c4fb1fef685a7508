"""Browser tabs on the site under test, and the audit of every public page.

No request leaves the machine: a tab blocks every request to another address, and keeps
it so that the privacy tests can fail on it.
"""

import re
from pathlib import Path

from axe_playwright_python.base import AXE_FILE_PATH
from django_otp import user_has_device

from editorial.two_factor import two_factor_required
from tests.editorial import authenticator_app, current_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True},
    # A 1280 × 800 screen zoomed to 400%: 320 × 200 CSS pixels, each drawn four times larger.
    "zoom-400": {"viewport": {"width": 320, "height": 200}, "device_scale_factor": 4},
}

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    # Best practice, not WCAG, but every part of a page must be in a landmark for screen
    # reader users who move from one landmark to the next.
    "rules": {"region": {"enabled": True}},
    "resultTypes": ["violations"],
}
# Only the violations come back: the rules passed and not applicable would take as long
# again to send.
RUN_AXE = "options => axe.run(document, options).then((results) => results.violations)"

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

# Whether anything on the page stays put on screen as the page scrolls.
ANYTHING_STUCK = """() => [...document.body.querySelectorAll("*")]
  .some((element) => ["sticky", "fixed"].includes(getComputedStyle(element).position))"""

# What a page shows, in one round trip: its headings, its links' names and destinations,
# and whether it is wider than the window.
PAGE_FACTS = """() => ({
  headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .map((heading) => [Number(heading.tagName[1]), heading.innerText.trim()]),
  links: [...document.querySelectorAll("a[href]")]
    .map((link) => [(link.getAttribute("aria-label") || link.innerText).trim(), link.href]),
  scrollWidth: document.scrollingElement.scrollWidth,
  windowWidth: document.documentElement.clientWidth,
})"""


class Tab:
    """A browser tab on the site. Requests to any other address are blocked and kept in
    `outside_requests`; uncaught JavaScript errors are kept in `errors`. With `axe`, every
    page it opens has axe-core, for axe_violations()."""

    def __init__(self, browser, site_url, viewport="desktop", axe=False, **context_options):
        self.site_url = site_url
        self.context = browser.new_context(
            base_url=site_url, **VIEWPORTS[viewport], **context_options
        )
        if axe:
            # Added by the browser to each page as it opens, rather than sent from here to
            # each page (half a megabyte, a tenth of a second a page).
            self.context.add_init_script(path=AXE_FILE_PATH)
        # Matched by Playwright's driver, so that only requests to other addresses, not the
        # page's own (a few per page), make a round trip to this process.
        self.context.route(re.compile(rf"^(?!{re.escape(site_url)}/)"), self._block_other_addresses)
        self.page = self.context.new_page()
        self.outside_requests = []
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _block_other_addresses(self, route):
        self.outside_requests.append(route.request.url)
        route.abort()

    def stand_in_for(self, url, html):
        """Answer requests for `url` with `html` instead; returns the list of requests
        answered. Takes precedence over the blocking of other addresses."""
        answered = []

        def answer(route):
            answered.append(route.request.url)
            route.fulfill(content_type="text/html; charset=utf-8", body=html)

        self.context.route(url, answer)
        return answered

    def open(self, path):
        return self.page.goto(path)

    def axe_violations(self):
        """What axe-core finds wrong on the open page, as AXE_OPTIONS ask."""
        return self.page.evaluate(RUN_AXE, AXE_OPTIONS)

    def close(self):
        self.context.close()


class PageReport:
    """What one page showed in one viewport."""

    def __init__(self, status, facts, violations):
        self.status = status
        self.headings = facts["headings"]
        self.links = facts["links"]
        self.width = facts["scrollWidth"]
        self.window_width = facts["windowWidth"]
        self.violations = violations


class SiteAudit:
    """Every public page opened once in each viewport: what it showed, which requests it
    made to other addresses and which of its scripts failed."""

    def __init__(self, browser, site_url, paths, viewports):
        self.paths = paths
        self.reports = {}
        self.outside_requests = []
        self.errors = []
        for viewport in viewports:
            # At 400% zoom the window is as wide as the phone's, which axe already audits.
            run_axe = viewport != "zoom-400"
            tab = Tab(browser, site_url, viewport, axe=run_axe)
            for path in paths:
                response = tab.open(path)
                violations = tab.axe_violations() if run_axe else []
                facts = tab.page.evaluate(PAGE_FACTS)
                self.reports[viewport, path] = PageReport(response.status, facts, violations)
                self.outside_requests += [(path, url) for url in tab.outside_requests]
                self.errors += [(path, error) for error in tab.errors]
                tab.outside_requests.clear()
                tab.errors.clear()
            tab.close()

    def in_viewport(self, viewport):
        return [(path, self.reports[viewport, path]) for path in self.paths]

    def script_errors(self):
        return [f"{path}: {error}" for path, error in self.errors]

    def requests_elsewhere(self):
        return [f"{path}: {url}" for path, url in self.outside_requests]


def too_wide(reports):
    """The pages of `reports` that scroll sideways: content wider than the window."""
    return [
        f"{path}: {report.width} px of content in a {report.window_width} px window"
        for path, report in reports
        if report.width > report.window_width
    ]


def sign_in(tab, user, password, next_path):
    """Sign `user` in through the admin's login form, as a member of staff does: the password,
    then, for staff who must or chose to use two-factor sign-in, the code their authenticator
    app shows (the app is set up first for those who must)."""
    app = authenticator_app(user) if two_factor_required(user) or user_has_device(user) else None
    tab.open(f"/admin/login/?next={next_path}")
    tab.page.get_by_label("Username").fill(user.username)
    tab.page.get_by_label("Password").fill(password)
    tab.page.get_by_role("button", name="Sign in").click()
    if app is not None:
        tab.page.wait_for_url("**/admin/two-factor/verify/**")
        tab.page.get_by_label("Code").fill(current_code(app))
        tab.page.get_by_role("button", name="Continue").click()
    tab.page.wait_for_url(f"**{next_path}")
