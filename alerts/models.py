"""Email alerts: practitioners who subscribed without an account, the changes they hear of,
and each email owed to each of them: one per alert for those who chose "as soon as something
changes" (`Delivery`), one per week for those who chose the weekly digest (`DigestDelivery`).

Only what the alerts need is kept: the address, the choices (topics and how often) and the
dates (subscribed, confirmed, choices changed, each alert sent). Nothing is sent to an
address but the confirmation until its owner confirms it (double opt-in), and an address
never leaves these tables: not in logs, the audit log's labels, exports of other data or
pages that are cached.
"""

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "As soon as something changes"
    WEEKLY = "weekly", "Once a week, in one email"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_expired(self, now=None):
        """Addresses never confirmed within ALERTS_UNCONFIRMED_DAYS: deleted by send_alerts."""
        now = now or timezone.now()
        cutoff = now - timezone.timedelta(days=settings.ALERTS_UNCONFIRMED_DAYS)
        return self.filter(confirmed_at__isnull=True, subscribed_at__lt=cutoff)


class Subscriber(models.Model):
    """One email address that asked for alerts. Practitioners manage it from the links in
    their emails (signed tokens, no login); staff with `alerts.manage_email_alerts` export
    or erase it on request (Reports → Email alerts)."""

    email = models.EmailField("email address", unique=True)
    frequency = models.CharField(
        "how often", max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    subscribed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    choices_changed_at = models.DateTimeField(default=timezone.now)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        permissions = [
            (
                "manage_email_alerts",
                "Can see email alert subscriber counts and export or erase a subscriber",
            )
        ]

    def __str__(self):
        # Shown in the audit log: never the address.
        return f"Email alert subscriber {self.pk}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def topics(self):
        return sorted(subscription.topic for subscription in self.subscriptions.all())

    @transaction.atomic
    def choose(self, chosen_topics, frequency):
        """Replace the subscriber's choices."""
        self.frequency = frequency
        self.choices_changed_at = timezone.now()
        self.save()
        self.subscriptions.exclude(topic__in=chosen_topics).delete()
        kept = set(self.subscriptions.values_list("topic", flat=True))
        Subscription.objects.bulk_create(
            Subscription(subscriber=self, topic=topic)
            for topic in chosen_topics
            if topic not in kept
        )

    def confirm(self):
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])

    # Links in emails carry the subscriber's id signed together with a keyed hash of the
    # address (never the address: a signed value can be read), so a link stops working
    # once the subscriber is erased, even if the id were used again.
    def token(self, purpose):
        return signing.dumps([self.pk, self.address_check()], salt=f"alerts.{purpose}")

    def address_check(self):
        return salted_hmac("alerts.address", self.email.lower()).hexdigest()[:16]

    @classmethod
    def from_token(cls, token, purpose, max_age=None):
        """The subscriber a link is for, or None; SignatureExpired for an expired link."""
        try:
            pk, check = signing.loads(token, salt=f"alerts.{purpose}", max_age=max_age)
        except signing.SignatureExpired:
            raise
        except (signing.BadSignature, TypeError, ValueError):
            return None
        subscriber = cls.objects.filter(pk=pk).first()
        if subscriber is None or subscriber.address_check() != check:
            return None
        return subscriber

    def export(self):
        """Everything kept about the subscriber, for a UK GDPR access request."""
        deliveries = self.deliveries.select_related("alert").order_by("alert__created_at")
        digests = self.digest_deliveries.select_related("digest").order_by("digest__week")
        return {
            "email": self.email,
            "how_often": self.get_frequency_display(),
            "topics": self.topics,
            "subscribed_at": self.subscribed_at.isoformat(),
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "choices_changed_at": self.choices_changed_at.isoformat(),
            "alerts": [
                {
                    "title": delivery.alert.title,
                    "url": delivery.alert.url,
                    "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
                }
                for delivery in deliveries
            ],
            "weekly_digests": [
                {
                    "week_of": delivery.digest.week.isoformat(),
                    "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
                }
                for delivery in digests
            ],
        }

    def owed_in_digest(self, alerts):
        """Of a digest's alerts, those of the subscriber's topics made after they confirmed
        (the caller prefetches `subscriptions`)."""
        chosen = {subscription.topic for subscription in self.subscriptions.all()}
        return [
            alert
            for alert in alerts
            if alert.created_at >= self.confirmed_at and chosen.intersection(alert.topics)
        ]


class Subscription(models.Model):
    """One topic a subscriber chose (see topics.py)."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    topic = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "topic"], name="one_topic_once")
        ]
        indexes = [models.Index(fields=["topic"])]

    def __str__(self):
        return self.topic


class AlertKind(models.TextChoices):
    PROTOCOL = "protocol", "New version of a protocol"
    PAGE = "page", "Page changed"
    PROCEDURES = "procedures", "Southwest Child Protection Procedures updated"


class DigestQuerySet(models.QuerySet):
    def to_send(self, today=None):
        """The digests `send_alerts --digest` sends, oldest first: any a run never finished,
        then this week's, started if it is not (gathering every alert not in an earlier
        digest)."""
        today = today or timezone.localdate()
        week = today - timezone.timedelta(days=today.weekday())
        # Started with its alerts in one transaction: a run at the same moment waits for it
        # (the week is unique), then finds it with its alerts.
        with transaction.atomic():
            digest, started = self.get_or_create(week=week)
            if started:
                Alert.objects.filter(digest=None).update(digest=digest)
        return list(self.filter(finished_at=None).order_by("week"))


class Digest(models.Model):
    """One week's digest: the alerts made since the last one (`alerts`), each weekly
    subscriber's email (`deliveries`). `send_alerts --digest` walks through the weekly
    subscribers in order of id, a batch at a time; `claimed_up_to` is the last one taken,
    so each batch starts where the last stopped instead of looking again at those sent."""

    week = models.DateField("week of", unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    claimed_up_to = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = DigestQuerySet.as_manager()

    def __str__(self):
        return f"Weekly digest of the week of {self.week.isoformat()}"


class Alert(models.Model):
    """One public change that subscribers hear of: a protocol's new version, a page published
    with "Email subscribers about this change" ticked, or a procedures update. Made by
    receivers.py; `send_alerts` creates a Delivery for each confirmed immediate subscriber of
    one of its topics (`prepared_at`), then sends them; the next weekly digest takes it
    (`digest`) for the weekly subscribers."""

    # What it was made from ("page-revision:12"): the same publication never alerts twice.
    source = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    title = models.CharField(max_length=255)
    url = models.URLField(max_length=500)
    note = models.TextField("what changed")
    topics = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    prepared_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """An alert owed to one immediate subscriber, created before anything is sent. A run of
    `send_alerts` claims a batch (`claim`, `claimed_at`) and marks each as sent the moment
    its email has gone, so a second run at the same time takes other rows, and a run after
    a crash sends what was claimed but not sent, and nothing twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["alert", "subscriber"], name="one_delivery_each")
        ]
        # The claim walks the unsent rows in order of id; the sent ones, nearly all of the
        # table, are not in the index at all.
        indexes = [models.Index(fields=["id"], condition=Q(sent_at=None), name="delivery_unsent")]

    def __str__(self):
        return f"Alert {self.alert_id} for subscriber {self.subscriber_id}"


class DigestDelivery(models.Model):
    """One weekly subscriber's digest email, created when a run of `send_alerts --digest`
    claims the subscriber (`claim`, `claimed_at`) and marked sent the moment it has gone:
    one row per email, however many alerts it lists. A run after a crash takes over the
    unsent rows of a claim older than ALERTS_CLAIM_TIMEOUT_SECONDS."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    claim = models.UUIDField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="one_digest_each")
        ]
        indexes = [
            models.Index(
                fields=["digest", "claimed_at"],
                condition=Q(sent_at=None),
                name="digest_delivery_unsent",
            )
        ]

    def __str__(self):
        return f"Digest {self.digest_id} for subscriber {self.subscriber_id}"
