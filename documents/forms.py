from django import forms
from django.urls import reverse
from django.utils.html import format_html
from wagtail.documents.forms import BaseDocumentForm
from wagtail.utils.file import hash_filelike

from .kept_uploads import KeptUpload
from .models import (
    APPROVE_PERMISSION,
    HELD_TAGS,
    Approval,
    DocumentStatus,
    PendingDocumentChange,
    ProtocolDocument,
    file_size_label,
    format_label,
    move_only_hides,
)
from .uploads import check_contents, extension_of, safe_file_name

DEFAULTED_FIELDS = {
    "document_type",
    "audience",
    "dated_event",
    "status",
    "review_interval_months",
    "library_order",
}

# Not details of the document: what the form itself needs.
FORM_ONLY_FIELDS = {"change_note", "upload_duplicate", "kept_upload"}

UNTAGGED_PDF_WARNING = (
    "This PDF has no accessibility tags, so screen readers may not read it properly. Export "
    'it again from the original with tags switched on ("Create tagged PDF" or "Document '
    'structure tags for accessibility") and replace the file.'
)


class ProtocolDocumentForm(BaseDocumentForm):
    """The admin form for protocol documents (uploads, edits and the multiple uploader).

    Refuses files whose contents do not match their format, stores them under safe names,
    and keeps the previous file, with a note of what changed, whenever one is replaced.
    """

    change_note = forms.CharField(
        label="What changed",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you replace the file: readers see it in the document's history.",
    )

    upload_duplicate = forms.BooleanField(
        label="Upload it anyway",
        required=False,
        help_text="Only if the library should hold a second copy of a file it already has.",
    )

    # A signed token naming the file chosen before the form came back with a mistake
    # (documents.kept_uploads), so that it need not be chosen again.
    kept_upload = forms.CharField(required=False, widget=forms.HiddenInput)

    # The note belongs with the file it describes.
    field_order = ["title", "file", "change_note", "upload_duplicate"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, user=user, **kwargs)
        self.kept = self.take_kept_upload()
        # The file the document has now, kept here because saving a replacement deletes it.
        self.previous_file = self.instance.file if self.instance.pk else None
        self.previous_url = self.instance.url if self.instance.pk else None
        self.approved_before_edit = bool(self.instance.pk) and self.instance.is_approved
        self.pending_change = (
            PendingDocumentChange.objects.filter(document=self.instance).first()
            if self.instance.pk
            else None
        )
        if self.pending_change and not (user and user.has_perm(APPROVE_PERMISSION)):
            self.show_pending_values()
        if self.instance.accessibility_tagged is False and "file" in self.fields:
            self.fields["file"].help_text = UNTAGGED_PDF_WARNING
        # Wagtail's multiple uploader posts only the file, title and collection: fields
        # with a default keep it when left out, so a drag-and-drop upload completes.
        for name, field in self.fields.items():
            if name in DEFAULTED_FIELDS:
                field.required = False

    def show_pending_values(self):
        """An Editor continues from the changes they are waiting on, not from the approved
        values, so that saving again keeps them."""
        pending = self.pending_change
        for name, value in pending.fields.items():
            if name == HELD_TAGS:
                self.initial[name] = ", ".join(value)
            elif name in self.fields:
                self.initial[name] = value
        if pending.collection_id and "collection" in self.fields:
            self.initial["collection"] = pending.collection_id
        if pending.file and "file" in self.fields:
            self.fields["file"].help_text = (
                f"Your new file {pending.filename} ({pending.format_label}, "
                f"{pending.file_size_label}) is awaiting approval: the public still gets "
                "the approved file. Choose a file here only to send a different one."
            )

    def take_kept_upload(self):
        """The file kept from this person's previous try, as if chosen again, unless they
        have chosen another."""
        token = self.data.get(self.add_prefix("kept_upload"))
        if not token or self.files.get(self.add_prefix("file")) or not self.user:
            return None
        kept = KeptUpload.from_token(token, self.user, self.instance.pk)
        if kept:
            self.files = self.files.copy()
            self.files[self.add_prefix("file")] = kept.as_uploaded_file()
        return kept

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.errors or not self.user:
            return
        uploaded = self.cleaned_data.get("file")
        if not uploaded or "file" not in self.changed_data:
            return
        # The form comes back to be corrected: the chosen file waits on the server, named
        # by the form, and the page shows the document's current file meanwhile.
        self.remove_kept_upload()
        kept, token = KeptUpload.keep(uploaded, self.chosen_name, self.user, self.instance.pk)
        self.kept = kept
        self.data = self.data.copy()
        self.data[self.add_prefix("kept_upload")] = token
        # The bound field, made while cleaning, has taken the field's help text already.
        self["file"].help_text = (
            f"Chosen file: {kept.chosen_name} ({format_label(kept.chosen_name)}, "
            f"{file_size_label(uploaded.size)}) — kept; choose another to change it."
        )
        if self.previous_file:
            self.instance.file = self.previous_file

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded or "file" not in self.changed_data:
            return uploaded
        self.pdf_facts = check_contents(uploaded)
        self.chosen_name = uploaded.name
        if self.previous_file:
            # Keep the public address: the new file takes the old name, with its own extension.
            stem = self.previous_file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            uploaded.name = f"{stem}.{extension_of(uploaded.name)}"
        else:
            uploaded.name = safe_file_name(uploaded.name)
        return uploaded

    def clean(self):
        cleaned_data = super().clean()
        uploaded = cleaned_data.get("file")
        if uploaded and "file" in self.changed_data and not cleaned_data.get("upload_duplicate"):
            self.check_not_a_copy(uploaded)
        replacing = self.previous_file and cleaned_data.get("file") and "file" in self.changed_data
        if replacing and not cleaned_data.get("change_note", "").strip():
            self.add_error("change_note", "Say briefly what changed in the new file.")
        status = cleaned_data.get("status")
        superseded_by = cleaned_data.get("superseded_by")
        if status == DocumentStatus.SUPERSEDED and not superseded_by:
            self.add_error("superseded_by", "Choose the document that replaces this one.")
        if superseded_by and self.instance.pk and superseded_by.pk == self.instance.pk:
            self.add_error("superseded_by", "A document cannot replace itself.")
        return cleaned_data

    def save(self, commit=True):
        if commit and self.holds_changes_for_approval():
            return self.hold_changes_for_approval()
        previous_version = None
        self.instance.approval = self.approval_on_save()
        if "file" in self.changed_data:
            facts = getattr(self, "pdf_facts", None)
            self.instance.page_count = facts.page_count if facts else None
            self.instance.accessibility_tagged = facts.accessibility_tagged if facts else None
            if commit and self.previous_file:
                previous_version = self.instance.keep_file_as_version(
                    self.previous_file, self.user, self.cleaned_data["change_note"].strip()
                )
        document = super().save(commit=commit)
        if previous_version:
            document.record_file_replacement(previous_version, self.previous_url, self.user)
        if commit:
            self.remove_kept_upload()
        return document

    def remove_kept_upload(self):
        if self.kept:
            self.kept.remove()

    def check_not_a_copy(self, uploaded):
        """Two copies of one file drift apart when only one is updated: point to the
        document that already has it."""
        file_hash = hash_filelike(uploaded)
        uploaded.seek(0)
        existing = (
            ProtocolDocument.objects.filter(file_hash=file_hash)
            .exclude(pk=self.instance.pk)
            .only("pk", "title")
            .first()
        )
        if existing:
            self.add_error(
                "file",
                format_html(
                    'This file is already in the library as <a href="{}">{}</a>. Use that '
                    'document, or tick "Upload it anyway" to add a second copy.',
                    reverse("wagtaildocs:edit", args=[existing.pk]),
                    existing.title,
                ),
            )

    def approval_on_save(self):
        """An Approver's own changes are public at once; what anyone else saves (a new
        document, a replaced file, a move to another collection, any edit) waits for an
        Approver. A document only just dropped into the multiple uploader waits too, even
        an Approver's, until its details are saved from the full form."""
        if not self.user or not self.user.has_perm(APPROVE_PERMISSION):
            return Approval.AWAITING
        if self.add_prefix("summary") not in self.data:
            # Wagtail's multiple uploader posts only the file's title and collection.
            return Approval.AWAITING
        return Approval.APPROVED

    def holds_changes_for_approval(self):
        """Whether this save is an Editor's change to a document the public has: it waits
        for an Approver while the public keeps the approved document."""
        approver = self.user and self.user.has_perm(APPROVE_PERMISSION)
        return bool(self.instance.pk) and self.approved_before_edit and not approver

    def hold_changes_for_approval(self):
        """Keep the Editor's changes as the document's pending change. Only a move into a
        collection at least as restricted takes effect at once: it can only hide."""
        approved = ProtocolDocument.objects.get(pk=self.instance.pk)
        pending = self.pending_change or PendingDocumentChange(document=approved)
        for name in self.changed_data:
            if name in FORM_ONLY_FIELDS or name in ("file", "collection"):
                continue
            if name == HELD_TAGS:
                names = sorted(self.cleaned_data["tags"])
                pending.hold_detail(name, names, sorted(approved.tags.names()))
                continue
            field = ProtocolDocument._meta.get_field(name)
            pending.hold_detail(
                name, field.value_from_object(self.instance), field.value_from_object(approved)
            )
        if "collection" in self.changed_data:
            self.hold_move(pending, approved, self.instance.collection_id)
        if "file" in self.changed_data:
            facts = getattr(self, "pdf_facts", None)
            pending.hold_file(
                self.cleaned_data["file"],
                self.cleaned_data["change_note"].strip(),
                page_count=facts.page_count if facts else None,
                accessibility_tagged=facts.accessibility_tagged if facts else None,
            )
        if pending.is_empty:
            if pending.pk:
                pending.discard()
        else:
            pending.requested_by = self.user
            pending.save()
        self.remove_kept_upload()
        # The form's instance carries the Editor's values: Wagtail's view logs and names
        # the document from it, so it goes back to what the public has.
        self.instance.refresh_from_db()
        return self.instance

    def hold_move(self, pending, approved, collection_id):
        if collection_id == approved.collection_id:
            pending.collection = None
        elif move_only_hides(approved.collection_id, collection_id):
            approved.collection_id = collection_id
            approved.save(update_fields=["collection"])
            pending.collection = None
        else:
            pending.collection_id = collection_id
