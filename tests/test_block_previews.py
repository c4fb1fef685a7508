"""The block picker shows editors a description and a preview of every block they can add."""

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.fields import StreamField

from .editorial import EDITORS, logged_in, staff_member

pytestmark = pytest.mark.django_db


def child_blocks_of_stream_fields():
    """Every block an editor can pick in a StreamField of any of the project's models."""
    blocks = []
    for model in apps.get_models():
        if not model.__module__.startswith(("pages.", "sitewide.", "documents.", "procedures.")):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                for name, block in field.stream_block.child_blocks.items():
                    blocks.append(pytest.param(block, id=f"{model.__name__}.{field.name}.{name}"))
    return blocks


@pytest.mark.parametrize("block", child_blocks_of_stream_fields())
def test_every_block_in_the_picker_has_a_description_and_a_preview(block, client):
    assert block.get_description()
    assert block.is_previewable

    editor = logged_in(staff_member("editor", EDITORS))
    response = editor.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/static/css/site.css"' in html
    assert f"block-{block.name}" in html
