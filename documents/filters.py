import django_filters
from django import forms
from django.db.models import Q
from wagtail.admin.filters import WagtailFilterSet

from .models import DocumentType, ProtocolDocument, ReviewStatus


class ReviewDatesFilterSet(WagtailFilterSet):
    """Filters for the document review dates report: what reviewers narrow the list by.

    Review status filters on the `review_status` annotation, so it expects documents from
    `ProtocolDocument.objects.with_review_status()`.
    """

    review_status = django_filters.ChoiceFilter(
        label="Review status",
        choices=ReviewStatus.choices,
        empty_label="All",
        widget=forms.RadioSelect,
    )
    document_type = django_filters.ChoiceFilter(
        label="Type", choices=DocumentType.choices, empty_label="All", widget=forms.RadioSelect
    )
    owner = django_filters.CharFilter(
        label="Owner",
        method="filter_owner",
        help_text="Part of the owning team's name, the owner's name or their email.",
    )

    class Meta:
        model = ProtocolDocument
        fields = []

    def filter_owner(self, queryset, name, value):
        return queryset.filter(
            Q(owner_team__icontains=value)
            | Q(owner_name__icontains=value)
            | Q(owner_email__icontains=value)
        )
