"""Snippets practitioners see (procedure links, chapters, partnerships, promoted results) go
through the "Partnership approval" workflow as pages do: an Editor's change reaches the
public site only once an Approver approves it in the admin, and Editors cannot publish."""

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Workflow

from documents.models import ProtocolDocument
from learning.models import Agency, LearningTheme
from procedures.models import ConsortiumPartnership, ProcedureChapter, ProcedureLink
from search.models import PromotedResult
from tests.editorial import logged_in

pytestmark = pytest.mark.django_db

PROCEDURES = "/people-working-with-children/southwest-child-protection-procedures/"
GUIDANCE = "/concerned-about-a-child/"
APPROVED_SNIPPETS = [
    ProcedureLink,
    ProcedureChapter,
    ConsortiumPartnership,
    PromotedResult,
    LearningTheme,
    Agency,
]


@pytest.fixture(autouse=True)
def page_cache_on():
    """Anonymous pages cached as in production: approval must reach them all the same."""
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield


def public_text(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def snippet_url(instance, view, *args):
    name = f"wagtailsnippets_{instance._meta.app_label}_{instance._meta.model_name}:{view}"
    return reverse(name, args=[instance.pk, *args])


def submit(editor, instance, form):
    response = logged_in(editor).post(
        snippet_url(instance, "edit"), {**form, "action-submit": "action-submit"}
    )
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.workflow_in_progress
    return instance


def approve(approver, instance):
    task_state = instance.current_workflow_task_state
    url = snippet_url(instance, "workflow_action", "approve", task_state.pk)
    response = logged_in(approver).post(url, {"comment": ""})
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.live and not instance.has_unpublished_changes


def link_form(link, **changes):
    return {
        "title": link.title,
        "url": link.url,
        "chapter": link.chapter_id,
        "note": link.note,
        "related_documents": [document.pk for document in link.related_documents.all()],
        **changes,
    }


def test_every_snippet_practitioners_see_goes_through_partnership_approval():
    workflow = Workflow.objects.get(name="Partnership approval")
    for model in APPROVED_SNIPPETS:
        instance = model.objects.first()
        assert instance.live, model
        assert instance.get_workflow() == workflow, model
    assert set(workflow.workflow_content_types.values_list("content_type", flat=True)) == {
        ContentType.objects.get_for_model(model).pk for model in APPROVED_SNIPPETS
    }


def test_only_approvers_may_publish_snippets(editor, approver):
    for model in APPROVED_SNIPPETS:
        codename = f"{model._meta.app_label}.publish_{model._meta.model_name}"
        assert approver.has_perm(codename), codename
        assert not editor.has_perm(codename), codename


def test_an_editors_change_to_a_procedure_link_waits_for_approval(client, editor, approver):
    link = ProcedureLink.objects.get(title="Making referrals to children's social care")
    old_url = link.url
    before = {url: public_text(client, url) for url in (PROCEDURES, GUIDANCE)}
    assert old_url in before[GUIDANCE]
    assert (
        "Neglect Toolkit"
        not in before[PROCEDURES].split(">Referrals</h3>")[1].split("</section>")[0]
    )

    neglect_toolkit = ProtocolDocument.objects.get(title="Neglect Toolkit")
    submit(
        editor,
        link,
        link_form(
            link,
            url="https://referrals.example.org/",
            note="Ring 01632 960999 instead.",
            related_documents=[neglect_toolkit.pk],
        ),
    )
    for url, text in before.items():
        assert public_text(client, url) == text
        assert "referrals.example.org" not in text and "01632 960999" not in text
    link.refresh_from_db()
    assert link.url == old_url and list(link.related_documents.all()) != [neglect_toolkit]

    approve(approver, link)
    procedures = public_text(client, PROCEDURES)
    referrals = procedures.split(">Referrals</h3>")[1].split("</section>")[0]
    assert 'href="https://referrals.example.org/"' in referrals
    assert "Ring 01632 960999 instead." in referrals
    assert "Neglect Toolkit" in referrals
    assert "https://referrals.example.org/" in public_text(client, GUIDANCE)


def test_a_new_procedure_link_is_public_only_once_approved(client, editor, approver):
    chapter = ProcedureChapter.objects.get(title="Referrals")
    response = logged_in(editor).post(
        reverse("wagtailsnippets_procedures_procedurelink:add"),
        {
            "title": "Unborn babies",
            "url": "https://www.proceduresonline.com/swcpp/p_unborn.html",
            "chapter": chapter.pk,
            "note": "",
            "action-submit": "action-submit",
        },
    )
    assert response.status_code == 302
    link = ProcedureLink.objects.get(title="Unborn babies")
    assert not link.live
    assert "Unborn babies" not in public_text(client, PROCEDURES)

    approve(approver, link)
    assert "Unborn babies" in public_text(client, PROCEDURES)


def test_an_editors_change_to_a_partnership_waits_for_approval(client, editor, approver):
    bristol = ConsortiumPartnership.objects.get(name="Bristol")
    submit(
        editor,
        bristol,
        {
            "name": "Bristol (Keeping Bristol Safe)",
            "website": "https://kbsp.example.org/",
            "front_door_opening_periods-count": 0,
        },
    )
    text = public_text(client, PROCEDURES)
    assert "Keeping Bristol Safe" not in text and "kbsp.example.org" not in text
    assert f'href="{bristol.website}">Bristol</a>' in text

    approve(approver, bristol)
    assert 'href="https://kbsp.example.org/">Bristol (Keeping Bristol Safe)</a>' in public_text(
        client, PROCEDURES
    )


def test_an_editors_change_to_a_promoted_result_waits_for_approval(client, editor, approver):
    promotion = PromotedResult.objects.get(terms__startswith="escalation")
    assert "promoted-heading" in public_text(client, "/search/", q="escalation")
    submit(
        editor,
        promotion,
        {
            "terms": "walrus",
            "document": promotion.document_id,
            "description": "Walruses escalate.",
        },
    )
    assert "promoted-heading" in public_text(client, "/search/", q="escalation")
    assert "promoted-heading" not in public_text(client, "/search/", q="walrus")

    approve(approver, promotion)
    assert "Walruses escalate." in public_text(client, "/search/", q="walrus")
    assert "promoted-heading" not in public_text(client, "/search/", q="escalation")


def test_an_editor_cannot_publish_a_snippet(client, editor):
    link = ProcedureLink.objects.get(title="Making referrals to children's social care")
    before = public_text(client, PROCEDURES)
    response = logged_in(editor).post(
        snippet_url(link, "edit"),
        {**link_form(link, url="https://anywhere.example.org/"), "action-publish": "publish"},
    )
    assert response.status_code in (302, 403)
    link.refresh_from_db()
    assert link.url != "https://anywhere.example.org/"
    assert public_text(client, PROCEDURES) == before

    chapter = ProcedureChapter.objects.get(title="Neglect")
    response = logged_in(editor).post(
        snippet_url(chapter, "edit"), {"title": "Renamed", "action-publish": "publish"}
    )
    assert response.status_code in (302, 403)
    assert ">Neglect</h3>" in public_text(client, PROCEDURES)


def test_an_unpublished_link_leaves_the_pages_that_chose_it(client, approver):
    link = ProcedureLink.objects.get(title="Information sharing")
    assert "Information sharing" in public_text(client, GUIDANCE)
    link.unpublish(user=approver)
    assert "Information sharing" not in public_text(client, GUIDANCE)
    assert "Information sharing" not in public_text(client, PROCEDURES)


def test_only_approvers_may_reorder_what_practitioners_see(editor, approver):
    chapters = list(ProcedureChapter.objects.all())
    last = chapters[-1]
    url = snippet_url(last, "reorder") + "?position=0"
    refused = logged_in(editor).post(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert list(ProcedureChapter.objects.all()) == chapters

    assert logged_in(approver).post(url).status_code == 200
    assert ProcedureChapter.objects.first() == last
