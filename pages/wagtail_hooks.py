from wagtail import hooks

from .rich_text import BasePageLinkHandler


# After Wagtail's own registration of the "page" link type, so that this one replaces it.
@hooks.register("register_rich_text_features", order=100)
def register_page_link_handler(features):
    features.register_link_type(BasePageLinkHandler)
