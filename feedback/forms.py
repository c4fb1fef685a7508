"""The public "Report a problem with this page" form.

It posts without Django's CSRF cookie, so that readers get no cookie (see views). A signed,
timestamped token written into the form instead says which page or document it was shown
for and when: a form sent back sooner than FEEDBACK_MIN_FILL_SECONDS is a robot's, one older
than FEEDBACK_FORM_MAX_AGE_SECONDS is stale. A field people never see (the "trap") catches
robots that fill in every field.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing

from .models import ReportReason

TOKEN_SALT = "feedback.report-form"  # noqa: S105 (a signing salt, not a secret)
DETAILS_MAX_LENGTH = 1200


def form_token(subject_key):
    return signing.dumps({"subject": subject_key, "shown": int(time.time())}, salt=TOKEN_SALT)


class ReportProblemForm(forms.Form):
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
    # The trap: hidden by the stylesheet and from assistive technology; people leave it empty.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, subject_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_key = subject_key
        # A fresh token each time the form is shown, also when it comes back with errors:
        # the template writes it, and clean() reads the one sent back.
        self.fresh_token = form_token(subject_key)

    @property
    def is_trapped(self):
        return bool(self.data.get("website"))

    def clean(self):
        problem = self.token_problem(self.data.get("token", ""))
        if problem:
            raise forms.ValidationError(problem)
        return super().clean()

    def token_problem(self, signed_token):
        try:
            token = signing.loads(
                signed_token,
                salt=TOKEN_SALT,
                max_age=settings.FEEDBACK_FORM_MAX_AGE_SECONDS,
            )
        except signing.SignatureExpired:
            return "This form was open for too long. Check your report and send it again."
        except signing.BadSignature:
            return "Something went wrong with this form. Check your report and send it again."
        if token.get("subject") != self.subject_key:
            return "This form was for another page. Check your report and send it again."
        if time.time() - token["shown"] < settings.FEEDBACK_MIN_FILL_SECONDS:
            return "That was sent very quickly. Check your report and send it again."
        return None
