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


# What the edit form's buttons post when the change is to go public, now or once approved.
PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-workflow-action")


class ProtocolPageForm(ContentPageForm):
    """The HTML protocol's form. "What changed" is for this publication only: it starts
    empty (and the alert ticked) once the last change is public, and a change cannot go
    public or to an Approver without it, unless it is the protocol's first version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and not page.has_unpublished_changes and not self.is_bound:
            self.initial["change_note"] = ""
            self.initial["alert_subscribers"] = True
        documents = self.fields["document"]
        documents.queryset = documents.queryset.approved()
        if page.pk and page.live:
            documents.disabled = True
            documents.help_text = "The document this page publishes (it cannot change)."

    def clean(self):
        cleaned_data = super().clean()
        going_public = any(action in self.data for action in PUBLISHING_ACTIONS)
        document = cleaned_data.get("document")
        first = not self.instance.live and (document is None or not document.versions.exists())
        if going_public and not first and not cleaned_data.get("change_note", "").strip():
            self.add_error(
                "change_note",
                "Say briefly what changed: readers see it with the new version.",
            )
        return cleaned_data


class VersionComparisonForm(forms.Form):
    """The two versions of an HTML protocol a reader compares (a GET form: works without
    JavaScript, and the comparison has an address to share)."""

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {version.number: version for version in versions}
        choices = [
            (version.number, f"Version {version.number} ({version.published_at:%-d %B %Y})")
            for version in versions
        ]
        self.fields["from"] = forms.TypedChoiceField(label="Compare", choices=choices, coerce=int)
        self.fields["to"] = forms.TypedChoiceField(label="with", choices=choices, coerce=int)
        if len(choices) > 1:
            self.fields["from"].initial = choices[1][0]
            self.fields["to"].initial = choices[0][0]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("from") is not None and cleaned_data.get("from") == cleaned_data.get(
            "to"
        ):
            raise forms.ValidationError("Choose two different versions.")
        return cleaned_data

    def chosen(self):
        """The earlier and the later of the two chosen versions."""
        numbers = sorted((self.cleaned_data["from"], self.cleaned_data["to"]))
        return self.versions[numbers[0]], self.versions[numbers[1]]
