import django_filters
from django import forms
from wagtail.admin.filters import WagtailFilterSet
from wagtail.documents import get_document_model

from .models import ReviewKind, ReviewStatus
from .schedule import item_type_choices, owning_teams


class ReviewDatesFilterSet(WagtailFilterSet):
    """Filters for the review dates report: what reviewers narrow the list by.

    They filter each part of the review schedule (reviews.schedule.schedule_parts)
    alike, on the columns every part has, before the parts are combined.
    """

    kind = django_filters.ChoiceFilter(
        label="Pages or documents",
        choices=ReviewKind.choices,
        empty_label="Both",
        widget=forms.RadioSelect,
    )
    review_status = django_filters.ChoiceFilter(
        label="Review status",
        choices=ReviewStatus.choices,
        empty_label="All",
        widget=forms.RadioSelect,
    )
    type = django_filters.ChoiceFilter(
        label="Type",
        field_name="item_type",
        choices=item_type_choices,
        empty_label="All",
        widget=forms.RadioSelect,
    )
    owner = django_filters.ChoiceFilter(
        label="Owning team",
        field_name="owner_team",
        empty_label="All",
    )

    class Meta:
        model = get_document_model()
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once per report: a callable would be asked again to validate and to render.
        self.filters["owner"].extra["choices"] = [(team, team) for team in owning_teams()]
