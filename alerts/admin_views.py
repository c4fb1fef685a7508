"""Reports → Email alerts, for staff with `alerts.manage_email_alerts` (administrators have
it; it can be given to a group in Settings → Groups): how many confirmed subscribers each
topic has, and one subscriber found by their exact address to export (a UK GDPR access
request) or erase (an erasure request). No list of addresses is ever shown. The address is
sent in a POST, so it is not in the server's access log, and the audit log records only the
subscriber's number."""

import json

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count
from django.http import HttpResponse
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import Page

from documents.models import DocumentType, ProtocolDocument

from . import topics
from .models import Frequency, Subscriber, Subscription

PERMISSION = "alerts.manage_email_alerts"
EXPORTED = "alerts.subscriber_exported"
ERASED = "alerts.subscriber_erased"


class FindSubscriberForm(forms.Form):
    email = forms.EmailField(label="Email address (exactly as the subscriber gave it)")


def topic_labels(keys):
    """A readable name for each topic key."""
    ids = {"page": [], "section": [], "document": []}
    for key in keys:
        kind, value = topics.parts(key)
        if kind in ids and value.isdigit():
            ids[kind].append(int(value))
    titles = dict(
        Page.objects.filter(pk__in=ids["page"] + ids["section"]).values_list("pk", "title")
    )
    document_titles = dict(
        ProtocolDocument.objects.filter(pk__in=ids["document"]).values_list("pk", "title")
    )
    types = dict(DocumentType.choices)
    labels = {}
    for key in keys:
        kind, value = topics.parts(key)
        if key == topics.EVERYTHING:
            labels[key] = "Everything"
        elif key == topics.PROCEDURES:
            labels[key] = "Southwest Child Protection Procedures updates"
        elif kind == "section":
            labels[key] = f"Section: {titles.get(int(value), 'deleted page')}"
        elif kind == "page":
            labels[key] = f"Page: {titles.get(int(value), 'deleted page')}"
        elif kind == "document":
            labels[key] = f"Document: {document_titles.get(int(value), 'deleted document')}"
        elif kind == "type":
            labels[key] = f"Type of document: {types.get(value, value)}"
        else:
            labels[key] = key
    return labels


class EmailAlertsView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "alerts/admin/email_alerts.html"
    page_title = "Email alerts"
    header_icon = "mail"

    def get_context_data(self, form=None, subscriber=None, **kwargs):
        context = super().get_context_data(**kwargs)
        confirmed = Subscriber.objects.confirmed()
        counts = list(
            Subscription.objects.filter(subscriber__in=confirmed)
            .values("topic")
            .annotate(subscribers=Count("subscriber"))
            .order_by("-subscribers", "topic")
        )
        labels = topic_labels([row["topic"] for row in counts])
        context["topic_counts"] = [
            {"label": labels[row["topic"]], "subscribers": row["subscribers"]} for row in counts
        ]
        frequencies = dict(
            confirmed.values("frequency").annotate(n=Count("pk")).values_list("frequency", "n")
        )
        context["frequency_counts"] = [
            (label, frequencies.get(value, 0)) for value, label in Frequency.choices
        ]
        context["unconfirmed"] = Subscriber.objects.filter(confirmed_at__isnull=True).count()
        context["form"] = form or FindSubscriberForm()
        context["subscriber"] = subscriber
        if subscriber is not None:
            context["subscriber_topics"] = topic_labels(subscriber.topics).values()
            context["sent"] = subscriber.deliveries.filter(sent_at__isnull=False).count()
            context["digests_sent"] = subscriber.digest_deliveries.filter(
                sent_at__isnull=False
            ).count()
        return context

    def post(self, request, *args, **kwargs):
        form = FindSubscriberForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        subscriber = (
            Subscriber.objects.filter(email__iexact=form.cleaned_data["email"])
            .prefetch_related("subscriptions")
            .first()
        )
        if subscriber is None:
            messages.warning(request, "Nobody has subscribed with that address.")
            return self.render_to_response(self.get_context_data(form=form))
        action = request.POST.get("action")
        if action == "export":
            log(subscriber, EXPORTED, user=request.user)
            response = HttpResponse(
                json.dumps(subscriber.export(), indent=2), content_type="application/json"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="email-alert-subscriber-{subscriber.pk}.json"'
            )
            return response
        if action == "erase":
            log(subscriber, ERASED, user=request.user)
            subscriber.delete()
            messages.success(request, "The subscriber and everything kept about them is erased.")
            return self.render_to_response(self.get_context_data())
        return self.render_to_response(self.get_context_data(form=form, subscriber=subscriber))
