import time

from django import forms
from django.core import signing
from django.utils import timezone

from .models import Agency, BriefingUse

# A person takes longer than this to fill in the form; a script posting at once does not.
MINIMUM_FILL_SECONDS = 5
# A form left open longer than this is sent again with a fresh token, keeping its answers.
TOKEN_MAX_AGE = 24 * 60 * 60
SALT = "learning.we-used-this"


def started_token():
    return signing.dumps(time.time(), salt=SALT)


class BriefingUseForm(forms.ModelForm):
    """The "We used this" form. `website` is a honeypot, hidden from people and left empty
    by them; `started` is a signed timestamp, so a post sooner than a person could fill it
    in is refused without storing anything on the visitor's device."""

    website = forms.CharField(label="Leave this empty", required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = BriefingUse
        fields = ["team", "agency", "discussed_on", "participants", "planned_change"]
        widgets = {"discussed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "team": "For example: Riverside health visiting team.",
            "planned_change": "Optional, one line. Do not name or describe a child or family.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.live()
        self.fields["agency"].empty_label = "Choose your agency"
        self.fields["discussed_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.fields["participants"].widget.attrs.update(min=1, max=500)
        if not self.is_bound:
            self.initial["started"] = started_token()

    @property
    def is_spam(self):
        """Filled in by a script rather than a person: the honeypot has a value."""
        return bool(self.data.get("website"))

    def clean_discussed_on(self):
        discussed_on = self.cleaned_data["discussed_on"]
        if discussed_on > timezone.localdate():
            raise forms.ValidationError("The date your team discussed it cannot be in the future.")
        return discussed_on

    def clean_started(self):
        try:
            started = signing.loads(self.cleaned_data["started"], salt=SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            self.renew_token()
            raise forms.ValidationError(
                "The form was open for too long. Check your answers and send it again."
            ) from None
        if time.time() - started < MINIMUM_FILL_SECONDS:
            self.renew_token()
            raise forms.ValidationError(
                "The form was sent too quickly. Check your answers and send it again."
            )
        return started

    def renew_token(self):
        self.data = self.data.copy()
        self.data["started"] = started_token()
