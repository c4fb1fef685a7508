from django import forms
from django.utils import timezone

from sitewide.anonymous_forms import RobotChecksMixin

from .models import Agency, BriefingUse


class BriefingUseForm(RobotChecksMixin, forms.ModelForm):
    """The "We used this" form of one briefing (its `subject_key`), with the site's robot
    checks, which store nothing on the visitor's device."""

    signing_salt = "learning.we-used-this"
    # A person takes longer than this to fill it in; a script posting at once does not.
    min_fill_seconds = 5
    # A form left open longer than this is sent again with a fresh token, keeping its answers.
    max_age_seconds = 24 * 60 * 60

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

    def clean_discussed_on(self):
        discussed_on = self.cleaned_data["discussed_on"]
        if discussed_on > timezone.localdate():
            raise forms.ValidationError("The date your team discussed it cannot be in the future.")
        return discussed_on
