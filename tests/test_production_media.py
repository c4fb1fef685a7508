"""Uploads as production serves them: pictures on pages from the site's own address, and
documents through their view, wherever the files are stored (a folder, or object storage
when AWS_STORAGE_BUCKET_NAME is set). Nothing else in the uploads has a public address."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.test import override_settings
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from partnership_site.storage import SiteServedS3Storage
from tests.factories import create_document

pytestmark = pytest.mark.django_db


class RemoteStorage(Storage):
    """Stands in for object storage: files have an address of their own, no local path."""

    files = {}

    def _save(self, name, content):
        self.files[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.files[name], name=name)

    def exists(self, name):
        return name in self.files

    def size(self, name):
        return len(self.files[name])

    def delete(self, name):
        self.files.pop(name, None)

    def url(self, name):
        return f"https://partnership-media.objects.example.net/{name}?X-Amz-Signature=1"


REMOTE = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.RemoteStorage"}}


@pytest.fixture
def picture():
    return Image.objects.create(title="Team photo", file=get_test_image_file("team.png"))


def test_pictures_on_pages_are_served_by_the_site(client, picture):
    rendition = picture.get_rendition("width-360")
    assert rendition.url.startswith("/media/images/")

    response = client.get(rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_nothing_else_in_the_uploads_has_an_address(client, picture):
    document = create_document("Neglect toolkit")
    for path in (
        f"/media/{document.file.name}",
        f"/media/{picture.file.name}",
        f"/media/images/../{document.file.name}",
        "/media/images/",
    ):
        assert client.get(path).status_code == 404, path


def test_renditions_in_object_storage_link_to_the_site():
    storage = SiteServedS3Storage(bucket_name="partnership-media")
    assert (
        storage.url("images/team photo.width-360.png") == "/media/images/team%20photo.width-360.png"
    )


@override_settings(WAGTAILIMAGES_RENDITION_STORAGE=f"{__name__}.RemoteStorage")
def test_pictures_in_object_storage_are_served_by_the_site(client):
    RemoteStorage.files["images/team.width-360.png"] = b"\x89PNG stand-in"
    response = client.get("/media/images/team.width-360.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG stand-in"


@override_settings(STORAGES=REMOTE)
def test_documents_in_object_storage_are_served_by_the_site_never_from_their_own_address(
    client,
):
    document = create_document("Neglect toolkit")

    assert document.url == f"/documents/{document.pk}/{document.filename}"
    response = client.get(document.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # PDFs open in the browser; the address ends with the file's name for saving.
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
