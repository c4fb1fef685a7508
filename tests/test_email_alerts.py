"""Email alerts: subscribing with double opt-in, managing and leaving from the links in every
email, what alerts are made from, and sending them once each, in batches."""

import io
import json
import logging
import re
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageViewRestriction

from alerts import topics
from alerts.forms import SubscribeForm
from alerts.models import Alert, Delivery, Digest, DigestDelivery, Frequency, Subscriber
from alerts.sending import Run, site_root_url
from alerts.views import SUBSCRIBE_SUBJECT
from documents.models import DocumentType
from documents.sample_files import make_pdf
from documents.signals import protocol_version_published
from procedures.models import ProcedureChapter, ProcedureLink, ProcedureUpdate
from tests.editorial import edit_url, guidance_page_form, logged_in
from tests.factories import (
    create_document,
    create_guidance_page,
    publish_protocol,
    replace_file,
    set_partnership_settings,
)
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db

ADDRESS = "practitioner@example.org"


@pytest.fixture(autouse=True)
def no_alerts_yet(db):
    """The demo content's procedures updates made alerts, and the browser suite's audit
    leaves a subscriber of its own: each test starts without them."""
    Alert.objects.all().delete()
    Subscriber.objects.all().delete()


def filled_in_token():
    """The form's token as if shown a minute ago, as a person would have filled it in."""
    return SubscribeForm.token_for(SUBSCRIBE_SUBJECT, shown=time.time() - 60)


def subscribe(client, email=ADDRESS, query="", address="192.0.2.1", **fields):
    data = {
        "email": email,
        "everything": "on",
        "frequency": Frequency.IMMEDIATE,
        "website": "",
        "token": filled_in_token(),
        **fields,
    }
    return client.post(f"/alerts/{query}", data, REMOTE_ADDR=address)


def link_in(message, name):
    return re.search(rf"https?://[^\s]+/alerts/{name}/[^\s/]+/", message.body).group(0)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def confirmed_subscriber(email=ADDRESS, chosen=(topics.EVERYTHING,), frequency="immediate"):
    subscriber = Subscriber.objects.create(
        email=email, frequency=frequency, confirmed_at=timezone.now()
    )
    subscriber.choose(list(chosen), frequency)
    return subscriber


def make_alert(number=1, chosen=(topics.EVERYTHING,), **fields):
    return Alert.objects.create(
        source=f"test:{number}",
        kind="page",
        title=f"Change {number}",
        url=f"http://localhost/change-{number}/",
        note=f"What changed in change {number}.",
        topics=list(chosen),
        **fields,
    )


def send(**options):
    call_command("send_alerts", stdout=open("/dev/null", "w"), **options)  # noqa: SIM115


# Subscribing: double opt-in


def test_only_the_confirmation_is_sent_until_the_address_is_confirmed(client):
    response = subscribe(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:check_email")
    assert "Set-Cookie" not in response.headers
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == [ADDRESS]
    assert confirmation.subject == "Confirm your email alerts"

    make_alert()
    send()
    assert len(mail.outbox) == 1, "nothing but the confirmation before confirming"

    confirm_path = path_of(link_in(confirmation, "confirm"))
    asked = client.get(confirm_path)
    assert "Confirm my alerts" in asked.content.decode()
    assert not Subscriber.objects.get().is_confirmed, "opening the link confirms nothing"
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert Subscriber.objects.get().is_confirmed

    make_alert(2)
    send()
    alert_emails = [message for message in mail.outbox if message.subject == "Change 2"]
    assert [message.to for message in alert_emails] == [[ADDRESS]]


def test_a_confirmation_link_expires(client):
    subscribe(client)
    confirm_path = path_of(link_in(mail.outbox[0], "confirm"))
    later = time.time() + settings.ALERTS_CONFIRMATION_MAX_AGE_SECONDS + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(confirm_path)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert not Subscriber.objects.get().is_confirmed


def test_a_forged_link_finds_nobody(client):
    subscribe(client)
    assert client.get("/alerts/confirm/forged/").status_code == 404
    assert client.get("/alerts/manage/forged/").status_code == 404


def test_the_form_says_what_is_kept_and_links_the_privacy_notice(client):
    notice = create_guidance_page(
        "How the partnership uses your details", paragraphs=["<p>What we keep and why.</p>"]
    )
    set_partnership_settings(privacy_notice=notice)
    page = client.get("/alerts/").content.decode()
    assert "We keep only your email address, your choices and the dates" in page
    assert f'href="{notice.url}"' in page
    assert client.get(notice.url).status_code == 200


def test_asking_again_for_a_confirmed_address_changes_nothing_and_sends_its_link(client):
    subscriber = confirmed_subscriber(chosen=[topics.PROCEDURES])
    response = subscribe(client)
    assert response.status_code == 302
    assert Subscriber.objects.get().topics == [topics.PROCEDURES]
    assert mail.outbox[0].subject == "Your email alerts"
    # The link's token is signed with the time it was made: compare whom it is for.
    token = path_of(link_in(mail.outbox[0], "manage")).split("/")[-2]
    assert Subscriber.from_token(token, "manage") == subscriber


def test_bad_input_is_explained_and_kept(client):
    response = subscribe(client, email="not-an-address", everything="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an email address like name@example.org." in page
    assert 'value="not-an-address"' in page
    assert not Subscriber.objects.exists()
    nothing_chosen = subscribe(client, everything="")
    assert "Choose at least one thing to hear about." in nothing_chosen.content.decode()
    assert not mail.outbox


def test_robots_are_thanked_but_nothing_is_sent(client):
    trapped = subscribe(client, website="https://spam.example")
    assert trapped.status_code == 302
    too_fast = subscribe(client, token=SubscribeForm.token_for(SUBSCRIBE_SUBJECT))
    assert "That was sent very quickly" in too_fast.content.decode()
    assert not mail.outbox and not Subscriber.objects.exists()


def test_the_link_on_a_page_subscribes_to_that_page(client, guidance_page):
    page = client.get(guidance_page.url).content.decode()
    link = f"/alerts/?page={guidance_page.pk}"
    assert f'href="{link}"' in page
    form = client.get(link).content.decode()
    assert f"This page: {guidance_page.title}" in form
    subscribe(
        client, query=f"?page={guidance_page.pk}", everything="", items=[f"page:{guidance_page.pk}"]
    )
    assert Subscriber.objects.get().topics == [f"page:{guidance_page.pk}"]


# Throttling


def test_the_form_is_throttled_per_sender_and_per_ipv6_64(client, settings):
    settings.ALERTS_THROTTLE_PER_SENDER = 2
    for number in range(2):
        assert subscribe(client, email=f"a{number}@example.org").status_code == 302
    refused = subscribe(client, email="a3@example.org")
    assert refused.status_code == 429
    assert "Try again later." in refused.content.decode()
    assert 'value="a3@example.org"' in refused.content.decode()
    assert subscribe(client, email="a3@example.org", address="192.0.2.2").status_code == 302

    assert subscribe(client, email="b1@example.org", address="2001:db8:1:2::1").status_code == 302
    assert subscribe(client, email="b2@example.org", address="2001:db8:1:2::9").status_code == 302
    assert (
        subscribe(client, email="b3@example.org", address="2001:db8:1:2:ff::1").status_code == 429
    )
    assert len(mail.outbox) == 5


def test_one_address_gets_few_confirmations_from_however_many_senders(client, settings):
    settings.ALERTS_THROTTLE_PER_ADDRESS = 2
    for number in range(2):
        assert subscribe(client, address=f"198.51.100.{number}").status_code == 302
    flood = subscribe(client, address="198.51.100.9", email=ADDRESS.upper())
    assert flood.status_code == 429
    assert len(mail.outbox) == 2


# Every email: unsubscribe link and headers; managing choices


def test_every_email_has_one_click_unsubscribe_headers(client):
    subscribe(client)
    confirmed_subscriber("second@example.org")
    make_alert()
    send()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        unsubscribe_url = link_in(message, "unsubscribe")
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link_in(message, "manage")


def test_one_click_unsubscribe_needs_no_page_and_no_csrf_token():
    subscriber = confirmed_subscriber()
    make_alert()
    send()
    path = path_of(link_in(mail.outbox[0], "unsubscribe"))
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not Delivery.objects.exists(), "nothing is kept about them"
    # A mail program may send it again: still fine.
    assert (
        client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )


def test_unsubscribing_from_the_link_shows_a_button_first():
    subscriber = confirmed_subscriber()
    path = reverse("alerts:unsubscribe", args=[subscriber.token("unsubscribe")])
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in page.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert "You have unsubscribed" in done.content.decode()
    assert not Subscriber.objects.exists()


def test_a_subscriber_changes_their_choices_without_logging_in(section):
    subscriber = confirmed_subscriber(chosen=[topics.EVERYTHING])
    path = reverse("alerts:manage", args=[subscriber.token("manage")])
    client = Client(enforce_csrf_checks=True)
    page = client.get(path).content.decode()
    assert 'name="everything" id="id_everything" checked' in page
    response = client.post(
        path,
        {
            "sections": [topics.section(section.pk)],
            "document_types": [DocumentType.PROTOCOL],
            "procedures": "on",
            "frequency": Frequency.WEEKLY,
        },
    )
    assert response.status_code == 200
    assert "Your choices are saved." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.frequency == Frequency.WEEKLY
    assert subscriber.topics == sorted(
        [topics.section(section.pk), "type:protocol", topics.PROCEDURES]
    )


def test_pages_of_alerts_set_no_cookie_and_are_never_cached(client):
    subscriber = confirmed_subscriber()
    for path in (
        "/alerts/",
        reverse("alerts:manage", args=[subscriber.token("manage")]),
        reverse("alerts:unsubscribe", args=[subscriber.token("unsubscribe")]),
    ):
        response = client.get(path)
        assert not response.cookies
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("kind", ["subscribe", "manage", "unsubscribe"])
def test_alerts_pages_stay_within_the_query_budget(client, kind, section):
    subscriber = confirmed_subscriber(chosen=[topics.EVERYTHING, topics.section(section.pk)])
    url = (
        "/alerts/"
        if kind == "subscribe"
        else reverse(f"alerts:{kind}", args=[subscriber.token(kind)])
    )
    assert count_queries(client, url) <= QUERY_BUDGET


# What alerts are made from


def publish_with_alert(page, user=None, note="The escalation contacts changed.", alert=True):
    page.alert_subscribers = alert
    page.change_note = note
    page.save_revision(user=user).publish(user=user)


def test_a_page_published_with_the_box_ticked_alerts_its_subscribers(guidance_page, section):
    confirmed_subscriber("section@example.org", chosen=[topics.section(section.pk)])
    confirmed_subscriber("other@example.org", chosen=[topics.PROCEDURES])
    publish_with_alert(guidance_page)
    alert = Alert.objects.get(kind="page")
    assert alert.title == guidance_page.title
    assert alert.note == "The escalation contacts changed."
    assert set(alert.topics) == {
        topics.EVERYTHING,
        topics.page(guidance_page.pk),
        topics.section(section.pk),
    }
    send()
    assert [message.to for message in mail.outbox] == [["section@example.org"]]
    assert "The escalation contacts changed." in mail.outbox[0].body
    assert guidance_page.full_url in mail.outbox[0].body


def test_a_page_published_without_the_box_or_behind_a_restriction_alerts_nobody(guidance_page):
    publish_with_alert(guidance_page, alert=False)
    assert not Alert.objects.exists()
    PageViewRestriction.objects.create(page=guidance_page, restriction_type="login")
    publish_with_alert(guidance_page)
    assert not Alert.objects.exists()


def test_the_box_starts_unticked_and_does_not_carry_over_to_the_next_edit(
    guidance_page, admin_client
):
    form = admin_client.get(edit_url(guidance_page)).context["form"]
    assert form["alert_subscribers"].value() is False
    data = guidance_page_form(guidance_page, "Three escalation stages.", "action-publish")
    data.update(alert_subscribers="on", change_note="The escalation stages are now three.")
    assert admin_client.post(edit_url(guidance_page), data).status_code == 302
    assert Alert.objects.get().note == "The escalation stages are now three."
    form = admin_client.get(edit_url(guidance_page)).context["form"]
    assert form["alert_subscribers"].value() is False
    assert form["change_note"].value() == ""
    # Published again without ticking it: no second alert.
    data = guidance_page_form(guidance_page, "A small correction.", "action-publish")
    assert admin_client.post(edit_url(guidance_page), data).status_code == 302
    assert Alert.objects.count() == 1


def test_the_note_is_required_when_the_box_is_ticked(guidance_page, admin_client):
    data = guidance_page_form(guidance_page, "Three escalation stages.", "action-publish")
    data.update(alert_subscribers="on", change_note=" ")
    response = admin_client.post(edit_url(guidance_page), data)
    assert response.status_code == 200
    assert "Say what changed" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_procedures_update_lists_the_amended_chapters_that_matter_locally(
    django_capture_on_commit_callbacks,
):
    linked = ProcedureChapter.objects.create(title="Escalation and resolving differences")
    ProcedureLink.objects.create(
        title="Resolving professional differences", url="https://example.org/rpd", chapter=linked
    )
    unlinked = ProcedureChapter.objects.create(title="Forced marriage")
    with django_capture_on_commit_callbacks(execute=True):
        update = ProcedureUpdate.objects.create(published_on="2026-11-01")
        update.chapters.set([linked, unlinked])
    alert = Alert.objects.get(kind="procedures")
    assert alert.topics == [topics.EVERYTHING, topics.PROCEDURES]
    local, others = alert.note.split("Other amended chapters:")
    assert "Escalation and resolving differences" in local
    assert "Forced marriage" in others and "Forced marriage" not in local
    assert "1 November 2026" in alert.title


def protocol_version(document, alert_subscribers=True, pk=1):
    return SimpleNamespace(
        pk=pk,
        document=document,
        number=2,
        published_at=timezone.now(),
        change_note="The escalation stages are now three.",
        alert_subscribers=alert_subscribers,
        get_absolute_url=lambda: f"/protocols/{document.pk}/versions/2/",
        comparison_url=f"/protocols/{document.pk}/compare/1/2/",
    )


def test_a_protocol_version_alerts_its_subscribers_when_public_and_chosen():
    document = create_document(title="Resolving professional differences protocol")
    protocol_version_published.send(sender=None, version=protocol_version(document, False))
    assert not Alert.objects.exists()
    protocol_version_published.send(sender=None, version=protocol_version(document))
    alert = Alert.objects.get()
    assert set(alert.topics) == {
        topics.EVERYTHING,
        topics.document(document.pk),
        topics.document_type(document.document_type),
    }
    assert "The escalation stages are now three." in alert.note
    assert alert.note.endswith(f"/protocols/{document.pk}/compare/1/2/")
    # The same version again (a signal sent twice) makes no second alert.
    protocol_version_published.send(sender=None, version=protocol_version(document))
    assert Alert.objects.count() == 1


def test_an_unapproved_protocol_alerts_nobody():
    document = create_document(title="Draft protocol", approval="pending")
    protocol_version_published.send(sender=None, version=protocol_version(document))
    assert not Alert.objects.exists()


def test_a_replaced_protocol_file_alerts_the_documents_subscribers(
    admin_client, django_capture_on_commit_callbacks
):
    document = create_document(title="Child protection medicals guidance")
    confirmed_subscriber("document@example.org", [topics.document(document.pk)])
    confirmed_subscriber("other@example.org", [topics.document(document.pk + 1)])
    with django_capture_on_commit_callbacks(execute=True):
        replace_file(admin_client, document, "v2.pdf", make_pdf("v2"), "Adds police attendance.")
    alert = Alert.objects.get(kind="protocol")
    version = document.versions.get(number=2)
    assert alert.source == f"protocol-version:{version.pk}"
    assert alert.title == "Child protection medicals guidance: version 2"
    assert alert.note == "Adds police attendance."
    assert alert.url.endswith(version.get_absolute_url())
    send()
    assert [message.to for message in mail.outbox] == [["document@example.org"]]
    assert "Adds police attendance." in mail.outbox[0].body


def test_an_html_protocol_published_again_alerts_its_pages_subscribers_once(
    django_capture_on_commit_callbacks,
):
    document = create_document(title="Information sharing protocol")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_protocol(document, [("Purpose", "<p>Share early.</p>")])
    subscriber = confirmed_subscriber("page@example.org", [topics.page(page.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        publish_protocol(
            document,
            [("Purpose", "<p>Share early and record why.</p>")],
            page=page,
            change_note="Asks for the reason to be recorded.",
        )
    alerts = Alert.objects.filter(created_at__gte=subscriber.confirmed_at)
    assert [alert.kind for alert in alerts] == ["protocol"]
    send()
    assert [message.to for message in mail.outbox] == [["page@example.org"]]
    assert "Asks for the reason to be recorded." in mail.outbox[0].body


def test_a_replaced_file_in_a_restricted_collection_alerts_nobody(
    admin_client, django_capture_on_commit_callbacks
):
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Private protocols")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    document = create_document(title="Private protocol", collection=private)
    with django_capture_on_commit_callbacks(execute=True):
        replace_file(admin_client, document, "v2.pdf", make_pdf("v2"), "Internal changes.")
    assert document.versions.filter(number=2).exists()
    assert not Alert.objects.exists()


# Sending


def test_sending_twice_sends_nobody_anything_twice():
    for number in range(5):
        confirmed_subscriber(f"s{number}@example.org")
    make_alert(1)
    make_alert(2, chosen=[topics.PROCEDURES])
    send(batch_size=2)
    assert len(mail.outbox) == 5
    send(batch_size=2)
    assert len(mail.outbox) == 5
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 0


class Crash(BaseException):
    """A process killed mid-batch: nothing in the command catches it."""


@pytest.mark.parametrize("digest", [False, True])
def test_a_run_killed_mid_batch_is_finished_by_the_next_with_nobody_twice_or_skipped(digest):
    addresses = [f"s{number}@example.org" for number in range(7)]
    for address in addresses:
        confirmed_subscriber(address, frequency="weekly" if digest else "immediate")
    make_alert()
    real_send = mail.backends.locmem.EmailBackend.send_messages

    def dies_at_the_fourth(backend, messages):
        if len(mail.outbox) == 3:
            raise Crash
        return real_send(backend, messages)

    with (
        mock.patch.object(mail.backends.locmem.EmailBackend, "send_messages", dies_at_the_fourth),
        pytest.raises(Crash),
    ):
        send(batch_size=5, digest=digest)
    assert len(mail.outbox) == 3
    # A later run takes over what the dead run claimed once its claim is stale.
    send(batch_size=5, digest=digest)
    # The two it never claimed; not the two it claimed, as it could still be running.
    assert len(mail.outbox) == 5
    send(batch_size=5, claim_timeout=0, digest=digest)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(addresses)
    send(batch_size=5, claim_timeout=0, digest=digest)
    assert len(mail.outbox) == 7


def test_two_runs_at_once_take_different_rows():
    for number in range(6):
        confirmed_subscriber(f"s{number}@example.org")
    make_alert()
    send(batch_size=1)  # prepares; sends every email
    mail.outbox.clear()
    Delivery.objects.update(sent_at=None, claim=None, claimed_at=None)
    root = site_root_url()
    first = Run(batch_size=3, claim_timeout=1800, root_url=root)
    claimed = first.claim_immediate_batch()
    assert len(claimed) == 3
    second = Run(batch_size=3, claim_timeout=1800, root_url=root)
    second.send_immediate()
    assert second.emails == 3
    assert {message.to[0] for message in mail.outbox}.isdisjoint(
        {delivery.subscriber.email for delivery in claimed}
    )


def test_the_weekly_digest_gathers_a_subscribers_alerts_into_one_email():
    weekly = confirmed_subscriber("weekly@example.org", frequency="weekly")
    confirmed_subscriber("procedures@example.org", [topics.PROCEDURES], frequency="weekly")
    confirmed_subscriber("now@example.org")
    for number in range(3):
        make_alert(number)
    send()
    assert [message.to for message in mail.outbox] == [["now@example.org"]] * 3
    assert not weekly.deliveries.exists(), "no row per alert for a weekly subscriber"
    mail.outbox.clear()
    send(digest=True)
    assert [message.to for message in mail.outbox] == [["weekly@example.org"]]
    digest = mail.outbox[0]
    assert digest.subject == "This week's changes: 3 updates"
    for number in range(3):
        assert f"{number + 1}. Change {number}" in digest.body
        assert f"What changed in change {number}." in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert list(DigestDelivery.objects.values_list("subscriber", flat=True)) == [weekly.pk]
    assert Digest.objects.get().finished_at
    send(digest=True)
    assert len(mail.outbox) == 1


def test_a_change_after_the_weeks_digest_is_in_the_next_weeks():
    confirmed_subscriber(frequency="weekly")
    make_alert(1)
    send(digest=True)
    make_alert(2)
    send(digest=True)
    assert len(mail.outbox) == 1, "this week's digest has gone"
    Digest.objects.update(week=F("week") - timezone.timedelta(days=7))  # a week later
    send(digest=True)
    assert len(mail.outbox) == 2
    assert "1. Change 2" in mail.outbox[1].body and "Change 1" not in mail.outbox[1].body


def test_the_digest_has_only_changes_made_after_the_subscriber_confirmed():
    make_alert(1)
    subscriber = confirmed_subscriber(frequency="weekly")
    make_alert(2)
    make_alert(3, chosen=[topics.PROCEDURES])
    send(digest=True)
    (message,) = mail.outbox
    assert message.subject == "This week's changes: 1 update"
    assert "1. Change 2" in message.body
    assert "Change 1" not in message.body and "Change 3" not in message.body
    (sent,) = subscriber.export()["weekly_digests"]
    assert sent["sent_at"] and sent["week_of"] == Digest.objects.get().week.isoformat()


def test_two_digest_runs_at_once_take_different_subscribers():
    for number in range(6):
        confirmed_subscriber(f"s{number}@example.org", frequency="weekly")
    make_alert()
    root = site_root_url()
    (digest,) = Digest.objects.to_send()
    alerts = list(digest.alerts.all())
    first = Run(batch_size=3, claim_timeout=1800, root_url=root)
    claimed = first.claim_digest_batch(digest, alerts)
    assert len(claimed) == 3
    second = Run(batch_size=3, claim_timeout=1800, root_url=root)
    second.send_digests()
    assert second.emails == 3
    assert {message.to[0] for message in mail.outbox}.isdisjoint(
        {subscriber.email for _row, subscriber, _alerts in claimed}
    )
    assert not Digest.objects.get().finished_at, "the first run has emails still to send"


def batch_queries(digest=False):
    """The queries of claiming one batch, after the alerts are prepared."""
    run = Run(batch_size=5, claim_timeout=1800, root_url="http://localhost")
    if digest:
        (this_week,) = Digest.objects.to_send()
        alerts = list(this_week.alerts.all())
    with CaptureQueriesContext(connection) as queries:
        if digest:
            run.claim_digest_batch(this_week, alerts)
        else:
            run.claim_immediate_batch()
    return len(queries)


@pytest.mark.parametrize("digest", [False, True])
def test_a_batch_costs_the_same_queries_however_many_subscribers(digest):
    frequency = "weekly" if digest else "immediate"
    for number in range(6):
        confirmed_subscriber(f"s{number}@example.org", frequency=frequency)
    for number in range(3):
        make_alert(number)
    call_command("send_alerts", "--batch-size", "0", stdout=open("/dev/null", "w"))  # noqa: SIM115
    few = batch_queries(digest)
    Delivery.objects.all().delete()
    Alert.objects.update(prepared_at=None, digest=None)
    Digest.objects.all().delete()
    for number in range(6, 60):
        confirmed_subscriber(f"s{number}@example.org", frequency=frequency)
    call_command("send_alerts", "--batch-size", "0", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert batch_queries(digest) == few


def test_the_command_logs_counts_never_addresses(caplog):
    confirmed_subscriber()
    make_alert()
    output = io.StringIO()
    with caplog.at_level(logging.DEBUG):
        call_command("send_alerts", stdout=output)
    assert "Sent 1 alert email(s)" in caplog.text
    assert ADDRESS not in caplog.text
    # Not a terminal: no progress line, only the summary.
    assert "\r" not in output.getvalue()
    assert ADDRESS not in output.getvalue()


def test_unconfirmed_subscriptions_are_deleted_after_a_set_time(client):
    subscribe(client)
    confirmed_subscriber("old-but-confirmed@example.org")
    Subscriber.objects.update(
        subscribed_at=timezone.now() - timezone.timedelta(days=settings.ALERTS_UNCONFIRMED_DAYS + 1)
    )
    subscribe(client, email="recent@example.org")
    send()
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "old-but-confirmed@example.org",
        "recent@example.org",
    ]


# Staff: counts, export and erasure


def test_staff_see_counts_per_topic_without_addresses(admin_client, section):
    confirmed_subscriber("a@example.org", [topics.EVERYTHING, topics.section(section.pk)])
    confirmed_subscriber("b@example.org", [topics.section(section.pk)])
    Subscriber.objects.create(email="unconfirmed@example.org").choose([topics.PROCEDURES], "weekly")
    page = admin_client.get(reverse("email_alerts")).content.decode()
    assert f"Section: {section.title}</td><td>2</td>" in page
    assert "<td>Everything</td><td>1</td>" in page
    assert "Procedures updates" not in page, "the unconfirmed are not counted"
    assert "@example.org" not in page


def test_staff_see_how_many_weekly_digests_a_subscriber_was_sent(admin_client):
    confirmed_subscriber(frequency="weekly")
    make_alert()
    send(digest=True)
    found = admin_client.post(reverse("email_alerts"), {"email": ADDRESS, "action": "find"})
    assert "Weekly digests sent</dt><dd>1</dd>" in found.content.decode()


def test_only_staff_with_the_permission_see_the_report(editor):
    assert logged_in(editor).get(reverse("email_alerts")).status_code in (302, 403)


def test_staff_export_and_erase_one_subscriber_in_the_audit_log_without_the_address(
    admin_client,
):
    subscriber = confirmed_subscriber()
    make_alert()
    send()
    found = admin_client.post(reverse("email_alerts"), {"email": ADDRESS, "action": "find"})
    assert f"Subscriber {subscriber.pk}" in found.content.decode()
    exported = admin_client.post(reverse("email_alerts"), {"email": ADDRESS, "action": "export"})
    data = json.loads(exported.content)
    assert data["email"] == ADDRESS
    assert data["topics"] == [topics.EVERYTHING]
    assert data["confirmed_at"]
    assert data["alerts"][0]["title"] == "Change 1" and data["alerts"][0]["sent_at"]
    assert data["weekly_digests"] == []

    erased = admin_client.post(reverse("email_alerts"), {"email": ADDRESS, "action": "erase"})
    assert erased.status_code == 200
    assert not Subscriber.objects.exists() and not Delivery.objects.exists()
    entries = ModelLogEntry.objects.filter(action__startswith="alerts.")
    assert sorted(entries.values_list("action", flat=True)) == [
        "alerts.subscriber_erased",
        "alerts.subscriber_exported",
    ]
    for entry in entries:
        assert ADDRESS not in entry.label and ADDRESS not in json.dumps(entry.data)
