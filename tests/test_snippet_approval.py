"""Snippets practitioners see (procedure links, chapters, partnerships, promoted results) go
through the "Partnership approval" workflow as pages do: an Editor's change reaches the
public site only once an Approver approves it in the admin, and Editors cannot publish."""

import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Workflow

from learning.models import Agency, LearningTheme
from pages.models import GuidancePage, ProceduresPage
from procedures.models import ConsortiumPartnership, ProcedureChapter, ProcedureLink
from search.models import PromotedResult
from tests.editorial import logged_in
from tests.factories import (
    create_agency,
    create_consortium_partnership,
    create_document,
    create_learning_theme,
    create_page,
    create_procedure_chapter,
    create_procedure_link,
    create_promoted_result,
)

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def chapter():
    return create_procedure_chapter("Walrus welfare")


@pytest.fixture
def referral_link(chapter):
    return create_procedure_link("Referring a walrus", chapter)


@pytest.fixture
def sharing_link(chapter):
    return create_procedure_link("Sharing walrus records", chapter)


@pytest.fixture
def procedures_url(section):
    """The procedures page, which lists every procedure link by chapter and the
    partnerships."""
    return create_page(ProceduresPage, "Walrus procedures", parent=section).url


@pytest.fixture
def guidance_url(section, referral_link, sharing_link):
    """A guidance page that chose two procedure links."""
    links = {"heading": "What the procedures say", "links": [referral_link.pk, sharing_link.pk]}
    body = [{"type": "procedure_links", "value": links}]
    return create_page(GuidancePage, "Walrus referrals", parent=section, body=body).url


def chapter_section(text, chapter):
    """The procedures page's list of `chapter`'s links."""
    return text.split(f">{chapter.title}</h3>")[1].split("</section>")[0]


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


def test_every_snippet_practitioners_see_goes_through_partnership_approval(referral_link):
    workflow = Workflow.objects.get(name="Partnership approval")
    snippets = [
        referral_link,
        referral_link.chapter,
        create_consortium_partnership("Walrus Bay"),
        create_promoted_result("tusks", document=create_document("Tusk care protocol")),
        create_learning_theme("Walrus welfare"),
        create_agency("Walrus rescue service"),
    ]
    assert [type(snippet) for snippet in snippets] == APPROVED_SNIPPETS
    for snippet in snippets:
        assert snippet.live, snippet
        assert snippet.get_workflow() == workflow, snippet
    assert set(workflow.workflow_content_types.values_list("content_type", flat=True)) == {
        ContentType.objects.get_for_model(model).pk for model in APPROVED_SNIPPETS
    }


def test_only_approvers_may_publish_snippets(editor, approver):
    for model in APPROVED_SNIPPETS:
        codename = f"{model._meta.app_label}.publish_{model._meta.model_name}"
        assert approver.has_perm(codename), codename
        assert not editor.has_perm(codename), codename


def test_an_editors_change_to_a_procedure_link_waits_for_approval(
    client, editor, approver, chapter, referral_link, procedures_url, guidance_url
):
    link = referral_link
    old_url = link.url
    handling_protocol = create_document("Walrus handling protocol")
    before = {url: public_text(client, url) for url in (procedures_url, guidance_url)}
    assert old_url in before[guidance_url]
    assert "Walrus handling protocol" not in chapter_section(before[procedures_url], chapter)

    submit(
        editor,
        link,
        link_form(
            link,
            url="https://referrals.example.org/",
            note="Ring 01632 960999 instead.",
            related_documents=[handling_protocol.pk],
        ),
    )
    for url, text in before.items():
        assert public_text(client, url) == text
        assert "referrals.example.org" not in text and "01632 960999" not in text
    link.refresh_from_db()
    assert link.url == old_url and list(link.related_documents.all()) != [handling_protocol]

    approve(approver, link)
    referrals = chapter_section(public_text(client, procedures_url), chapter)
    assert 'href="https://referrals.example.org/"' in referrals
    assert "Ring 01632 960999 instead." in referrals
    assert "Walrus handling protocol" in referrals
    assert "https://referrals.example.org/" in public_text(client, guidance_url)


def test_a_new_procedure_link_is_public_only_once_approved(
    client, editor, approver, chapter, procedures_url
):
    response = logged_in(editor).post(
        reverse("wagtailsnippets_procedures_procedurelink:add"),
        {
            "title": "Walrus calves",
            "url": "https://procedures.example.org/walrus-calves.html",
            "chapter": chapter.pk,
            "note": "",
            "action-submit": "action-submit",
        },
    )
    assert response.status_code == 302
    link = ProcedureLink.objects.get(title="Walrus calves")
    assert not link.live
    assert "Walrus calves" not in public_text(client, procedures_url)

    approve(approver, link)
    assert "Walrus calves" in public_text(client, procedures_url)


def test_an_editors_change_to_a_partnership_waits_for_approval(
    client, editor, approver, procedures_url
):
    partnership = create_consortium_partnership("Walrus Bay")
    submit(
        editor,
        partnership,
        {
            "name": "Walrus Bay (Keeping Walrus Bay Safe)",
            "website": "https://kwbs.example.org/",
            "front_door_opening_periods-count": 0,
        },
    )
    text = public_text(client, procedures_url)
    assert "Keeping Walrus Bay Safe" not in text and "kwbs.example.org" not in text
    assert f'href="{partnership.website}">Walrus Bay</a>' in text

    approve(approver, partnership)
    assert 'href="https://kwbs.example.org/">Walrus Bay (Keeping Walrus Bay Safe)</a>' in (
        public_text(client, procedures_url)
    )


def test_an_editors_change_to_a_promoted_result_waits_for_approval(client, editor, approver):
    promotion = create_promoted_result(
        "tusk care, tusks",
        document=create_document("Tusk care protocol"),
        description="How to look after tusks.",
    )
    assert "promoted-heading" in public_text(client, "/search/", q="tusk care")
    submit(
        editor,
        promotion,
        {
            "terms": "narwhal",
            "document": promotion.document_id,
            "description": "Narwhals have tusks too.",
        },
    )
    assert "promoted-heading" in public_text(client, "/search/", q="tusk care")
    assert "promoted-heading" not in public_text(client, "/search/", q="narwhal")

    approve(approver, promotion)
    assert "Narwhals have tusks too." in public_text(client, "/search/", q="narwhal")
    assert "promoted-heading" not in public_text(client, "/search/", q="tusk care")


def test_an_editor_cannot_publish_a_snippet(client, editor, chapter, referral_link, procedures_url):
    link = referral_link
    before = public_text(client, procedures_url)
    response = logged_in(editor).post(
        snippet_url(link, "edit"),
        {**link_form(link, url="https://anywhere.example.org/"), "action-publish": "publish"},
    )
    assert response.status_code in (302, 403)
    link.refresh_from_db()
    assert link.url != "https://anywhere.example.org/"
    assert public_text(client, procedures_url) == before

    response = logged_in(editor).post(
        snippet_url(chapter, "edit"), {"title": "Renamed", "action-publish": "publish"}
    )
    assert response.status_code in (302, 403)
    assert f">{chapter.title}</h3>" in public_text(client, procedures_url)


def test_an_unpublished_link_leaves_the_pages_that_chose_it(
    client, approver, sharing_link, procedures_url, guidance_url
):
    assert "Sharing walrus records" in public_text(client, guidance_url)
    assert "Sharing walrus records" in public_text(client, procedures_url)
    sharing_link.unpublish(user=approver)
    assert "Sharing walrus records" not in public_text(client, guidance_url)
    assert "Sharing walrus records" not in public_text(client, procedures_url)


def test_only_approvers_may_reorder_what_practitioners_see(editor, approver):
    # Placed, as the admin places a chapter it adds: Wagtail's reordering cannot move one
    # that has no position.
    create_procedure_chapter("Walrus welfare", sort_order=1000)
    create_procedure_chapter("Walrus calves", sort_order=1001)
    chapters = list(ProcedureChapter.objects.all())
    last = chapters[-1]
    url = snippet_url(last, "reorder") + "?position=0"
    refused = logged_in(editor).post(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert list(ProcedureChapter.objects.all()) == chapters

    assert logged_in(approver).post(url).status_code == 200
    assert ProcedureChapter.objects.first() == last
