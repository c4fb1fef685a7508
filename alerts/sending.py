"""Writing and sending the alert emails (the send_alerts command, the subscribe views).

Every email carries a link to change choices or leave, and the `List-Unsubscribe` and
`List-Unsubscribe-Post` headers of RFC 8058, so mail programs offer one-click unsubscribe.

Sending goes in batches. Each batch is claimed in a short transaction (on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, so another run at the same time takes other rows rather
than waiting; on SQLite, which has one writer at a time, the claim is a conditional update
that only one run can win), then each email is sent and its delivery marked sent at once.
A run that dies leaves at most the email it was sending unmarked; its other claimed rows
are taken again by a later run once the claim is older than ALERTS_CLAIM_TIMEOUT_SECONDS.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from .models import Alert, Delivery, Frequency, Subscriber

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
    """Create the deliveries of every alert not yet prepared: one per subscriber of any of
    its topics confirmed by the time of the change. Safe to run twice at once: an alert is
    prepared under its lock, and a delivery exists once (`one_delivery_each`)."""
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
                Subscriber.objects.filter(confirmed_at__lte=alert.created_at)
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


def pending_deliveries(frequency, claim_timeout):
    stale = timezone.now() - timezone.timedelta(seconds=claim_timeout)
    return Delivery.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale),
        sent_at=None,
        alert__prepared_at__isnull=False,
        subscriber__frequency=frequency,
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
        pending = pending_deliveries(Frequency.IMMEDIATE, self.claim_timeout)
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

    def claim_digest_batch(self):
        """Whole subscribers, each with every alert waiting for them."""
        pending = pending_deliveries(Frequency.WEEKLY, self.claim_timeout)
        with transaction.atomic():
            subscriber_ids = list(
                Subscriber.objects.filter(pk__in=pending.values("subscriber_id"))
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[: self.batch_size]
            )
            self.mark_claimed(pending.filter(subscriber_id__in=subscriber_ids))
        deliveries = (
            Delivery.objects.filter(
                claim=self.claim, sent_at=None, subscriber_id__in=subscriber_ids
            )
            .select_related("alert", "subscriber")
            .order_by("subscriber_id", "alert__created_at", "alert_id")
        )
        by_subscriber = defaultdict(list)
        for delivery in deliveries:
            by_subscriber[delivery.subscriber].append(delivery)
        return list(by_subscriber.items())

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
            while batch := self.claim_digest_batch():
                self.batches += 1
                for subscriber, deliveries in batch:
                    alerts = [delivery.alert for delivery in deliveries]
                    message = subscriber_email(
                        subscriber,
                        f"This week's changes: {len(alerts)} "
                        + ("update" if len(alerts) == 1 else "updates"),
                        "alerts/email/digest.txt",
                        {"alerts": alerts},
                        self.root_url,
                    )
                    self.send(connection, message, [delivery.pk for delivery in deliveries])
                    self.alerts += len(alerts)
                if progress:
                    progress(self)

    def send(self, connection, message, delivery_ids):
        connection.send_messages([message])
        # Marked the moment it has gone: a crash after this never sends it again.
        Delivery.objects.filter(pk__in=delivery_ids).update(sent_at=timezone.now())
        self.emails += 1


def delete_expired_unconfirmed():
    _total, by_model = Subscriber.objects.unconfirmed_expired().delete()
    return by_model.get(Subscriber._meta.label, 0)
