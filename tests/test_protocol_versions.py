"""Each publication of a protocol keeps a numbered public version, and tells the apps above
documents (alerts) once it is committed."""

import pytest

from documents.models import FIRST_VERSION_NOTE, ProtocolVersion
from documents.sample_files import make_pdf
from documents.signals import protocol_version_published
from tests.factories import create_document, replace_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    sent = []

    def receiver(sender, version, **kwargs):
        sent.append(version)

    protocol_version_published.connect(receiver)
    yield sent
    protocol_version_published.disconnect(receiver)


def test_replacing_a_file_makes_versions_and_sends_the_signal_after_commit(
    admin_client, published, django_capture_on_commit_callbacks
):
    document = create_document("Strategy discussions guidance")
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
