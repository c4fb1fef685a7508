"""Writing and sending the alert emails (the send_alerts command, the subscribe views).

Every email carries a link to change choices or leave, and the `List-Unsubscribe` and
`List-Unsubscribe-Post` headers of RFC 8058, so mail programs offer one-click unsubscribe.

Sending goes in batches. Each batch is claimed in a short transaction (on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, so another run at the same time takes other rows rather
than waiting; on SQLite, which has one writer at a time, the claim is a conditional update
that only one run can win), then each email is sent and its delivery marked sent at once.
A run that dies leaves at most the email it was sending unmarked; its other claimed rows
are taken again by a later run once the claim is older than ALERTS_CLAIM_TIMEOUT_SECONDS.

Immediate alerts have a row per alert and subscriber (`Delivery`), made before sending. The
weekly digest has a row per email (`DigestDelivery`), made as its subscriber is claimed:
a batch is the next weekly subscribers by id after the digest's `claimed_up_to`, each
email is built in memory from the digest's alerts (read once) and the subscriber's topics,
so its cost follows the number of subscribers, not subscribers times alerts.
"""

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from .models import Alert, Delivery, Digest, DigestDelivery, Frequency, Subscriber, Subscription

logger = logging.getLogger(__name__)

ONE_CLICK = "List-Unsubscribe=One-Click"


def site_root_url(request=None):
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else settings.WAGTAILADMIN_BASE_URL


def subscriber_email(subscriber, subject, template, context, root_url):
    """An email to one subscriber, with its links to change choices or leave."""
    unsubscribe_url = root_url + reverse(
        "alerts:unsubscribe", args=[subscriber.token("unsubscribe")]
    )
    manage_url = root_url + reverse("alerts:manage", args=[subscriber.token("manage")])
    body = render_to_string(
        template,
        {
            **context,
            "subscriber": subscriber,
            "manage_url": manage_url,
            "unsubscribe_url": unsubscribe_url,
            "root_url": root_url,
        },
    )
    return EmailMessage(
        subject,
        body,
        to=[subscriber.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": ONE_CLICK},
    )


def confirmation_email(subscriber, root_url):
    confirm_url = root_url + reverse("alerts:confirm", args=[subscriber.token("confirm")])
    if subscriber.is_confirmed:
        # Someone asked again for an address that already gets alerts: nothing changes
        # without its owner, who is given the link to change their choices.
        return subscriber_email(
            subscriber,
            "Your email alerts",
            "alerts/email/already_subscribed.txt",
            {},
            root_url,
        )
    return subscriber_email(
        subscriber,
        "Confirm your email alerts",
        "alerts/email/confirm.txt",
        {
            "confirm_url": confirm_url,
            "expires_in_days": settings.ALERTS_CONFIRMATION_MAX_AGE_SECONDS // 86400,
        },
        root_url,
    )


def prepare_alerts():
    """Create the deliveries of every alert not yet prepared: one per immediate subscriber of
    any of its topics confirmed by the time of the change (weekly subscribers get it in the
    digest). Safe to run twice at once: an alert is prepared under its lock, and a delivery
    exists once (`one_delivery_each`)."""
    prepared = 0
    for alert_id in Alert.objects.filter(prepared_at=None).values_list("pk", flat=True):
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update(skip_locked=True)
                .filter(pk=alert_id, prepared_at=None)
                .first()
            )
            if alert is None:
                continue
            # Those subscribed when it happened: a new subscriber is not sent old news.
            subscriber_ids = (
                Subscriber.objects.filter(
                    confirmed_at__lte=alert.created_at, frequency=Frequency.IMMEDIATE
                )
                .filter(subscriptions__topic__in=alert.topics)
                .values_list("pk", flat=True)
                .distinct()
            )
            Delivery.objects.bulk_create(
                (Delivery(alert=alert, subscriber_id=pk) for pk in subscriber_ids.iterator()),
                batch_size=1000,
                ignore_conflicts=True,
            )
            Alert.objects.filter(pk=alert.pk).update(prepared_at=timezone.now())
            prepared += 1
    return prepared


def stale_claims(claim_timeout):
    return timezone.now() - timezone.timedelta(seconds=claim_timeout)


def pending_deliveries(claim_timeout):
    # `sent_at=None` as it is, so the database walks the partial index `delivery_unsent`.
    return Delivery.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_claims(claim_timeout)),
        sent_at=None,
        alert__prepared_at__isnull=False,
        subscriber__frequency=Frequency.IMMEDIATE,
        subscriber__confirmed_at__isnull=False,
    )


@dataclass
class Run:
    """One run of send_alerts: what it has claimed (`claim`) and sent."""

    batch_size: int
    claim_timeout: int
    root_url: str
    claim: uuid.UUID = field(default_factory=uuid.uuid4)
    emails: int = 0
    alerts: int = 0
    batches: int = 0

    def claim_immediate_batch(self):
        pending = pending_deliveries(self.claim_timeout)
        with transaction.atomic():
            ids = list(
                pending.select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[: self.batch_size]
            )
            self.mark_claimed(pending.filter(pk__in=ids))
        return list(
            Delivery.objects.filter(claim=self.claim, sent_at=None, pk__in=ids)
            .select_related("alert", "subscriber")
            .order_by("pk")
        )

    def claim_digest_batch(self, digest, alerts):
        """The next digest emails of `digest` to send, as (row, subscriber, their alerts of
        `alerts`): first those of a run whose claim is stale, then the next subscribers."""
        if ids := self.retake_stale_digests(digest):
            rows = DigestDelivery.objects.filter(pk__in=ids)
        else:
            subscriber_ids = self.claim_next_subscribers(digest, alerts)
            rows = digest.deliveries.filter(subscriber_id__in=subscriber_ids)
        rows = (
            rows.filter(claim=self.claim, sent_at=None)
            .select_related("subscriber")
            .prefetch_related("subscriber__subscriptions")
            .order_by("pk")
        )
        return [(row, row.subscriber, row.subscriber.owed_in_digest(alerts)) for row in rows]

    def retake_stale_digests(self, digest):
        stale = digest.deliveries.filter(
            sent_at=None, claimed_at__lt=stale_claims(self.claim_timeout)
        )
        with transaction.atomic():
            ids = list(
                stale.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[: self.batch_size]
            )
            if ids:
                self.mark_claimed(stale.filter(pk__in=ids))
        return ids

    def claim_next_subscribers(self, digest, alerts):
        """Move the digest's `claimed_up_to` past the next weekly subscribers and create the
        emails of those owed one. The conditional update is what makes two runs at once
        take different subscribers (on PostgreSQL the second also waits on the row lock)."""
        topics = {topic for alert in alerts for topic in alert.topics}
        if not topics:
            return []
        while True:
            with transaction.atomic():
                after = (
                    Digest.objects.select_for_update()
                    .values_list("claimed_up_to", flat=True)
                    .get(pk=digest.pk)
                )
                subscribers = list(
                    Subscriber.objects.confirmed()
                    .filter(
                        Exists(
                            Subscription.objects.filter(subscriber=OuterRef("pk"), topic__in=topics)
                        ),
                        frequency=Frequency.WEEKLY,
                        pk__gt=after,
                    )
                    .order_by("pk")
                    .prefetch_related("subscriptions")[: self.batch_size]
                )
                if not subscribers:
                    return []
                moved = Digest.objects.filter(pk=digest.pk, claimed_up_to=after).update(
                    claimed_up_to=subscribers[-1].pk
                )
                if not moved:
                    continue
                owed = [
                    DigestDelivery(digest=digest, subscriber=subscriber, claim=self.claim)
                    for subscriber in subscribers
                    if subscriber.owed_in_digest(alerts)
                ]
                if owed:
                    DigestDelivery.objects.bulk_create(owed, ignore_conflicts=True)
                    return [subscriber.pk for subscriber in subscribers]

    def mark_claimed(self, deliveries):
        deliveries.update(claim=self.claim, claimed_at=timezone.now())

    def send_immediate(self, progress=None):
        with get_connection() as connection:
            while batch := self.claim_immediate_batch():
                self.batches += 1
                for delivery in batch:
                    alert = delivery.alert
                    message = subscriber_email(
                        delivery.subscriber,
                        alert.title,
                        "alerts/email/alert.txt",
                        {"alert": alert},
                        self.root_url,
                    )
                    self.send(connection, message, [delivery.pk])
                    self.alerts += 1
                if progress:
                    progress(self)

    def send_digests(self, progress=None):
        with get_connection() as connection:
            for digest in Digest.objects.to_send():
                # One query for the week's alerts, however many subscribers.
                alerts = list(digest.alerts.order_by("created_at", "pk"))
                while batch := self.claim_digest_batch(digest, alerts):
                    self.batches += 1
                    for row, subscriber, owed in batch:
                        message = subscriber_email(
                            subscriber,
                            f"This week's changes: {len(owed)} "
                            + ("update" if len(owed) == 1 else "updates"),
                            "alerts/email/digest.txt",
                            {"alerts": owed},
                            self.root_url,
                        )
                        connection.send_messages([message])
                        DigestDelivery.objects.filter(pk=row.pk).update(sent_at=timezone.now())
                        self.emails += 1
                        self.alerts += len(owed)
                    if progress:
                        progress(self)
                # Finished once no email is left unsent, here or in a run still going.
                if not digest.deliveries.filter(sent_at=None).exists():
                    Digest.objects.filter(pk=digest.pk).update(finished_at=timezone.now())

    def send(self, connection, message, delivery_ids):
        connection.send_messages([message])
        # Marked the moment it has gone: a crash after this never sends it again.
        Delivery.objects.filter(pk__in=delivery_ids).update(sent_at=timezone.now())
        self.emails += 1


def delete_expired_unconfirmed():
    _total, by_model = Subscriber.objects.unconfirmed_expired().delete()
    return by_model.get(Subscriber._meta.label, 0)
