from wagtail.admin.forms import WagtailAdminPageForm


class ContentPageForm(WagtailAdminPageForm):
    """Makes the summary required: section listings, search results and search engines show it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        summary = self.fields["search_description"]
        summary.required = True
        summary.label = "Summary"
        summary.help_text = (
            "One or two sentences saying what the page is for. Shown in section listings, "
            "search results and by search engines."
        )
