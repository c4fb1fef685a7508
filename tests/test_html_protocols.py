"""HTML protocols: a document of the library published as a page, with numbered versions
practitioners can open and compare, and a PDF made from what was approved."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from pypdf import PdfReader

from documents.models import FIRST_VERSION_NOTE, ProtocolVersion
from documents.sample_files import make_pdf
from documents.signals import protocol_version_published
from tests.factories import create_document, publish_protocol, replace_file

pytestmark = pytest.mark.django_db

FIRST = [
    ("Purpose", "<p>Practitioners sometimes disagree about a child [1].</p>"),
    ("Stages", "<p>Talk to the other practitioner within two working days.</p>"),
]
SECOND = [
    ("Purpose", "<p>Practitioners sometimes disagree about a child's safety [1].</p>"),
    ("Stages", "<p>Talk to the other practitioner within one working day.</p>"),
    ("Recording", "<p>Record each stage on the child's file.</p>"),
]


@pytest.fixture
def published():
    sent = []

    def receiver(sender, version, **kwargs):
        sent.append(version)

    protocol_version_published.connect(receiver)
    yield sent
    protocol_version_published.disconnect(receiver)


@pytest.fixture
def protocol(django_capture_on_commit_callbacks):
    document = create_document("Disagreements protocol", document_type="protocol")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_protocol(document, FIRST, footnotes=["<p>Working Together 2023.</p>"])
        page = publish_protocol(
            document, SECOND, page=page, change_note="Shorter first stage; recording added."
        )
    return page


def test_each_publication_is_a_numbered_version(protocol, client):
    first, second = ProtocolVersion.objects.filter(document=protocol.document).order_by("number")
    assert (first.number, first.is_html, second.number) == (1, True, 2)
    assert second.change_note == "Shorter first stage; recording added."
    assert second.comparison_url == f"{protocol.url}compare/?from=1&to=2"
    assert first.comparison_url == ""

    html = client.get(protocol.url).content.decode()
    assert "Shorter first stage; recording added." in html
    assert 'href="#section-3"' in html and 'id="section-3"' in html
    assert 'href="#footnote-1"' in html and 'href="#footnote-reference-1"' in html
    assert f'href="{protocol.url}versions/1/"' in html


def test_the_signal_is_sent_for_each_version(django_capture_on_commit_callbacks, published):
    document = create_document("Signalled protocol")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_protocol(document, FIRST)
    assert [version.number for version in published] == [1]
    assert published[0].get_absolute_url() == f"{page.url}versions/1/"


def test_an_earlier_version_is_marked_superseded(protocol, client):
    response = client.get(f"{protocol.url}versions/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Superseded: this is version 1 of" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "within two working days" in html
    assert "Recording" not in html
    # The current version's address leads to the protocol itself.
    assert client.get(f"{protocol.url}versions/2/")["Location"] == protocol.url


def test_comparing_two_versions_marks_what_was_added_and_removed(protocol, client):
    html = client.get(f"{protocol.url}compare/", {"from": 1, "to": 2}).content.decode()
    assert '<del class="diff-removed"><span class="diff-label">Removed:</span> two</del>' in html
    assert '<ins class="diff-added"><span class="diff-label">Added:</span> one</ins>' in html
    assert "Section 3" in html
    assert "<select" in html and 'name="from"' in html and 'name="to"' in html


def test_markup_in_a_section_cannot_reach_the_comparison(
    client, django_capture_on_commit_callbacks
):
    document = create_document("Injected protocol")
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_protocol(document, [("One", "<p>Safe text.</p>")])
        publish_protocol(
            document,
            [("One", '<p>&lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror="x()"></p>')],
            page=page,
            change_note="Injected.",
        )
    html = client.get(f"{page.url}compare/", {"from": 1, "to": 2}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "onerror" not in html


def test_the_library_entry_leads_to_the_protocol_page(protocol, client, library_page):
    response = client.get(f"{library_page.url}{protocol.document.pk}/")
    assert response.status_code == 301
    assert response["Location"] == protocol.url


def test_publishing_makes_a_tagged_pdf_with_title_and_language(protocol, client):
    document = protocol.document
    document.refresh_from_db()
    with document.file.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    assert reader.metadata.title == protocol.title
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "within one working day" in "".join(page.extract_text() for page in reader.pages)
    # The former files are in the history, replaced as any file is.
    assert document.file_versions.count() == 2
    assert client.get(document.url).status_code == 200


def test_a_failed_pdf_keeps_the_previous_one_and_publishes(protocol, monkeypatch, caplog):
    document = protocol.document
    document.refresh_from_db()
    before = (document.file.name, document.file_hash)

    def fail(*args, **kwargs):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", fail)
    page = publish_protocol(document, FIRST, page=protocol, change_note="Back to two days.")
    document.refresh_from_db()
    assert (document.file.name, document.file_hash) == before
    assert page.document.versions.first().number == 3
    assert "could not be made" in caplog.text


def test_replacing_a_file_makes_versions_and_sends_the_signal_after_commit(
    admin_client, published, django_capture_on_commit_callbacks
):
    document = create_document("Versioned strategy guidance")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        replace_file(admin_client, document, "v2.pdf", make_pdf("v2"), "Adds police attendance.")
    assert published == []
    for callback in callbacks:
        callback()

    first, second = document.versions.order_by("number")
    assert (first.number, first.change_note, first.alert_subscribers) == (
        1,
        FIRST_VERSION_NOTE,
        False,
    )
    assert first.file_version == document.file_versions.get()
    assert (second.number, second.change_note, second.file_version) == (
        2,
        "Adds police attendance.",
        None,
    )
    assert published == [second]
    assert second.comparison_url == ""

    with django_capture_on_commit_callbacks(execute=True):
        replace_file(admin_client, document, "v3.pdf", make_pdf("v3"), "New contact numbers.")
    second.refresh_from_db()
    third = document.versions.get(number=3)
    assert second.file_version.change_note == "New contact numbers."
    assert third.file_version is None
    assert published == [second, third]
    assert ProtocolVersion.objects.filter(document=document).count() == 3


def test_an_earlier_file_opens_from_a_page_saying_it_is_superseded(
    admin_client, client, library_page
):
    document = create_document("Filed protocol")
    replace_file(admin_client, document, "v2.pdf", make_pdf("Filed v2"), "New numbers.")
    entry = f"{library_page.url}{document.pk}/"
    html = client.get(entry).content.decode()
    assert f'href="{entry}versions/1/"' in html
    page = client.get(f"{entry}versions/1/")
    assert "Superseded: this is version 1 of Filed protocol" in page.content.decode()
    download = client.get(f"{entry}versions/1/file/")
    assert b"Filed protocol" in b"".join(download.streaming_content)
    assert client.get(f"{entry}versions/2/")["Location"].endswith(entry)
    assert client.get(f"{entry}versions/3/").status_code == 404


def test_whats_new_links_a_protocol_change_to_its_comparison(protocol, client, whats_new_page):
    comparison = f"{protocol.url}compare/?from=1&amp;to=2"
    html = client.get(whats_new_page.url).content.decode()
    assert comparison in html
    assert "Shorter first stage; recording added." in html
    # Once, as the protocol's change: not again as an updated page.
    assert html.count(f">{protocol.title}<") == 1
    assert comparison in client.get(f"{whats_new_page.url}feed/rss/").content.decode()
    assert (
        comparison.replace("&amp;", "&amp;")
        in client.get(f"{whats_new_page.url}feed/atom/").content.decode()
    )


def test_existing_file_history_becomes_versions():
    migration = importlib.import_module("documents.migrations.0011_versions_from_file_history")
    document = create_document("History before versions")
    for note in ("Second file.", "Third file."):
        document.keep_file_as_version(document.file, None, note)
    migration.versions_from_file_history(django_apps, None)
    versions = list(document.versions.order_by("number"))
    assert [(version.number, version.change_note) for version in versions] == [
        (1, FIRST_VERSION_NOTE),
        (2, "Second file."),
        (3, "Third file."),
    ]
    assert [version.file_version is None for version in versions] == [False, False, True]
    migration.versions_from_file_history(django_apps, None)
    assert document.versions.count() == 3
