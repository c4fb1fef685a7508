from django.db import models
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField

from .blocks import RICH_TEXT_FEATURES, LinkBlock, OpeningPeriodBlock
from .opening_hours import OpeningHours


@register_setting(icon="site")
class PartnershipSettings(BaseSiteSetting):
    """The partnership's name and its "concerned about a child" contact route.

    Partnership staff edit this one record in Settings; every contact panel on the
    site (home page, guidance pages, the footer) reads from it, so a changed phone
    number or opening time is right everywhere at once.
    """

    partnership_name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, blank=True, help_text="e.g. NSSCP.")

    # Someone reading about abuse may need to hide what they are reading at once,
    # e.g. when the person harming them walks in.
    quick_exit_enabled = models.BooleanField(
        'show "Exit this page"',
        default=True,
        help_text="A button on every page (or pressing Shift three times) that replaces the "
        "page with a neutral website.",
    )
    quick_exit_url = models.URLField(
        "neutral website",
        default="https://www.bbc.co.uk/weather",
        help_text='Where "Exit this page" goes: a common site that draws no attention.',
    )

    contact_team_name = models.CharField(
        "team name", max_length=120, help_text="The team that takes concerns, e.g. Care Connect."
    )
    contact_intro = models.TextField(
        "introduction", blank=True, help_text="Who should contact the team, and why."
    )
    contact_phone = models.CharField("phone", max_length=40)
    contact_email = models.EmailField("email", blank=True)
    opening_periods = StreamField(
        [("period", OpeningPeriodBlock())],
        blank=True,
        help_text="When the team answers. Leave empty if it is open all the time.",
    )
    closed_on_bank_holidays = models.BooleanField(
        default=True, help_text="Closed on bank holidays in England."
    )
    out_of_hours_name = models.CharField(
        "out-of-hours service", max_length=120, help_text="e.g. Emergency Duty Team."
    )
    out_of_hours_phone = models.CharField("out-of-hours phone", max_length=40)
    out_of_hours_note = models.TextField("out-of-hours note", blank=True)
    front_door_name = models.CharField(
        "name",
        max_length=120,
        blank=True,
        help_text="Where practitioners refer children at levels of need 3 and 4, e.g. Front Door. "
        "It answers in the daytime team's opening hours.",
    )
    front_door_phone = models.CharField(
        "phone",
        max_length=40,
        blank=True,
        help_text="Leave blank if referrals go through the daytime team.",
    )
    front_door_email = models.EmailField("email", blank=True)
    referral_route = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="When and how to refer to the Front Door, and the thresholds that apply.",
    )

    accessible_format_email = models.EmailField(
        "accessible formats email",
        blank=True,
        help_text="Where readers ask for a document in another format (large print, audio, "
        "accessible PDF). Shown on every document's entry.",
    )
    accessibility_statement = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Linked from the footer of every page.",
    )
    privacy_notice = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="What the partnership keeps about people, such as email alert subscribers. "
        "Linked from the email alerts forms.",
    )
    footer_links = StreamField([("link", LinkBlock())], blank=True)

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("partnership_name"),
                    FieldPanel("short_name"),
                    MultiFieldPanel(
                        [FieldPanel("quick_exit_enabled"), FieldPanel("quick_exit_url")],
                        heading="Exit this page",
                    ),
                ],
                heading="Partnership",
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("contact_team_name"),
                            FieldPanel("contact_intro"),
                            FieldPanel("contact_phone"),
                            FieldPanel("contact_email"),
                        ],
                        heading="Daytime team",
                    ),
                    MultiFieldPanel(
                        [FieldPanel("opening_periods"), FieldPanel("closed_on_bank_holidays")],
                        heading="Opening hours",
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("out_of_hours_name"),
                            FieldPanel("out_of_hours_phone"),
                            FieldPanel("out_of_hours_note"),
                        ],
                        heading="Out of hours",
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("front_door_name"),
                            FieldPanel("front_door_phone"),
                            FieldPanel("front_door_email"),
                        ],
                        heading="Front Door (referrals)",
                    ),
                    FieldPanel("referral_route"),
                ],
                heading="Concerned about a child",
            ),
            ObjectList(
                [
                    FieldPanel("accessibility_statement"),
                    FieldPanel("privacy_notice"),
                    FieldPanel("accessible_format_email"),
                    FieldPanel("footer_links"),
                ],
                heading="Footer",
            ),
        ]
    )

    class Meta:
        verbose_name = "partnership settings"

    def __str__(self):
        return self.partnership_name or "Partnership settings"

    @classmethod
    def base_queryset(cls):
        # The footer on every page links the statement: fetch it with the settings.
        return super().base_queryset().select_related("accessibility_statement", "privacy_notice")

    @cached_property
    def opening_hours(self):
        return OpeningHours.from_blocks(self.opening_periods, self.closed_on_bank_holidays)

    @property
    def has_front_door(self):
        """Whether referrals have a route of their own, apart from the daytime team."""
        return bool(self.front_door_name and self.front_door_phone)

    def contact_status(self):
        """Whether the daytime team is open now, and when that changes."""
        return self.opening_hours.status_at()


class ContentVersion(models.Model):
    """The number that moves whenever anything a public page shows changes.

    The anonymous page cache (sitewide/page_cache.py) keys what it stores, and what each
    process remembers, on it together with the cache's own version. It lives here because
    the database is the one place every process sees: a scheduled job run as its own
    process or container, with a file cache of its own, and a change saved while Redis
    was unreachable both still reach the web server. One row; nobody edits it.
    """

    number = models.BigIntegerField(default=0)

    ROW = 1

    def __str__(self):
        return f"Content version {self.number}"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=cls.ROW).values_list("number", flat=True).first() or 0

    @classmethod
    def move(cls):
        if not cls.objects.filter(pk=cls.ROW).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=cls.ROW, defaults={"number": 1})
