from urllib.parse import urlencode

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from documents.models import Audience, DocumentType, LibrarySort


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
        if "alert_subscribers" in self.fields and not self.instance.has_unpublished_changes:
            # What the last publication told subscribers is not news the next time.
            self.initial["alert_subscribers"] = False
            self.initial["change_note"] = ""

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("alert_subscribers")
            and not cleaned_data.get("change_note", "").strip()
        ):
            self.add_error(
                "change_note", "Say what changed: it is what the email to subscribers says."
            )
        return cleaned_data


class LibraryFilterForm(forms.Form):
    """The library's filters, read from the query string so they work without JavaScript.
    A value that is not one of the choices is ignored rather than refused: links get
    mangled, and a practitioner should still see the library."""

    document_type = forms.ChoiceField(
        label="Type of document", choices=[("", "All types"), *DocumentType.choices], required=False
    )
    audience = forms.ChoiceField(
        label="For", choices=[("", "Everyone"), *Audience.choices], required=False
    )
    sort = forms.ChoiceField(
        label="Sort by", choices=[("", "Type of document"), *LibrarySort.choices], required=False
    )

    def valid_choices(self):
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.fields}

    def selects(self):
        """Each filter with its options as (value, label, selected), for the page to write
        out as a plain <select>: Django's widget templates took a sixth of the library's
        rendering time."""
        chosen = self.valid_choices()
        return [
            (self[name], [(value, label, value == chosen[name]) for value, label in field.choices])
            for name, field in self.fields.items()
        ]

    def query_string(self):
        """The current filters, to carry into pagination links."""
        return urlencode({name: value for name, value in self.valid_choices().items() if value})
