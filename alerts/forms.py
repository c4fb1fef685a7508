from django import forms
from wagtail.models import Page

from documents.models import DocumentType, ProtocolDocument
from pages.models import SectionPage
from sitewide.anonymous_forms import RobotChecksMixin

from . import topics
from .models import Frequency


def item_choices(topic_keys):
    """(key, label) for the public pages and documents among `topic_keys`."""
    page_ids, document_ids = [], []
    for key in topic_keys:
        kind, value = topics.parts(key)
        if kind == "page" and value.isdigit():
            page_ids.append(int(value))
        elif kind == "document" and value.isdigit():
            document_ids.append(int(value))
    choices = []
    if page_ids:
        for pk, title in (
            Page.objects.live().public().filter(pk__in=page_ids).values_list("pk", "title")
        ):
            choices.append((topics.page(pk), f"This page: {title}"))
    if document_ids:
        for pk, title in (
            ProtocolDocument.objects.approved()
            .visible_to(None)
            .filter(pk__in=document_ids)
            .values_list("pk", "title")
        ):
            choices.append((topics.document(pk), f"This document: {title}"))
    return choices


class AlertChoicesForm(forms.Form):
    """What a subscriber hears about and how often: the subscribe form's choices, and the
    form behind the link in every email."""

    items = forms.MultipleChoiceField(
        label="This page or document",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    everything = forms.BooleanField(label="Every change on this site", required=False)
    sections = forms.MultipleChoiceField(
        label="Changes in a section", required=False, widget=forms.CheckboxSelectMultiple
    )
    document_types = forms.MultipleChoiceField(
        label="New versions of a type of document",
        choices=DocumentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    procedures = forms.BooleanField(
        label="Updates of the Southwest Child Protection Procedures", required=False
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often you want emails."},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices(items)
        self.fields["sections"].choices = [
            (topics.section(pk), title)
            for pk, title in SectionPage.objects.live()
            .public()
            .order_by("path")
            .values_list("pk", "title")
        ]

    @classmethod
    def initial_for(cls, chosen_topics, frequency):
        return {
            "items": [key for key in chosen_topics if topics.parts(key)[0] in ("page", "document")],
            "everything": topics.EVERYTHING in chosen_topics,
            "sections": [key for key in chosen_topics if key.startswith("section:")],
            "document_types": [
                topics.parts(key)[1] for key in chosen_topics if key.startswith("type:")
            ],
            "procedures": topics.PROCEDURES in chosen_topics,
            "frequency": frequency,
        }

    def chosen_topics(self):
        data = self.cleaned_data
        chosen = [*data["items"], *data["sections"]]
        chosen += [topics.document_type(value) for value in data["document_types"]]
        if data["everything"]:
            chosen.append(topics.EVERYTHING)
        if data["procedures"]:
            chosen.append(topics.PROCEDURES)
        return chosen

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not self.chosen_topics():
            raise forms.ValidationError("Choose at least one thing to hear about.")
        return cleaned_data


class SubscribeForm(RobotChecksMixin, AlertChoicesForm):
    """The public subscribe form, with the site's robot checks."""

    signing_salt = "alerts.subscribe"
    what_to_check = "choices"

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )

    field_order = ["email"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
