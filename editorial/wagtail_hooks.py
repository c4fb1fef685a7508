from wagtail import hooks
from wagtail.models import Page
from wagtail.permissions import policy_registry


@hooks.register("construct_reports_menu")
def hide_reports_that_show_nothing(request, menu_items):
    # "Aging pages" lists only the pages the user may publish: an Editor would see it empty.
    if not policy_registry.get_by_type(Page).user_has_permission(request.user, "publish"):
        menu_items[:] = [item for item in menu_items if item.name != "aging-pages"]
