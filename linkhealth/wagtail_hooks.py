from wagtail import hooks

from editorial.admin_reports import register_report

from .components import BrokenLinksPanel
from .views import LINK_HEALTH_PERMISSION, BrokenLinksReport

register_report(
    BrokenLinksReport,
    url="broken-links",
    namespace="broken_links",
    name="broken-links",
    order=1060,
    permission=LINK_HEALTH_PERMISSION,
)


@hooks.register("construct_homepage_panels")
def add_broken_links_panel(request, panels):
    if request.user.has_perm(LINK_HEALTH_PERMISSION):
        panels.append(BrokenLinksPanel())
