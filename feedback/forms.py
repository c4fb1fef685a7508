"""The public "Report a problem with this page" form.

It posts without Django's CSRF cookie, so that readers get no cookie (see views), with the
site's robot checks (sitewide.anonymous_forms): its token says which page or document it
was shown for and when.
"""

from django import forms
from django.conf import settings

from sitewide.anonymous_forms import RobotChecksMixin

from .models import ReportReason

DETAILS_MAX_LENGTH = 1200


class ReportProblemForm(RobotChecksMixin, forms.Form):
    signing_salt = "feedback.report-form"
    what_to_check = "report"

    reason = forms.ChoiceField(
        label="What is wrong with this page?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this page."},
    )
    details = forms.CharField(
        label="Tell us more (optional)",
        help_text=(
            "For example, which part is wrong or what you were looking for. Do not include "
            "personal details, such as the names of children, families or colleagues."
        ),
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": f"Keep it to {DETAILS_MAX_LENGTH} characters or fewer "
            "(you have %(show_value)d)."
        },
    )

    @property
    def min_fill_seconds(self):
        return settings.FEEDBACK_MIN_FILL_SECONDS

    @property
    def max_age_seconds(self):
        return settings.FEEDBACK_FORM_MAX_AGE_SECONDS
