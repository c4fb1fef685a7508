from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import two_factor_views


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    urls = [
        path("verify/", two_factor_views.verify, name="verify"),
        path("", two_factor_views.set_up, name="set_up"),
    ]
    return [path("two-factor/", include((urls, "two_factor")))]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    return MenuItem("Two-factor sign-in", reverse("two_factor:set_up"), icon_name="key")
