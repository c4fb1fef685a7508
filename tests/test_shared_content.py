"""A module's shared content (module_db in tests/conftest.py): every test of the module
starts from it as it was made, whatever the tests before it changed. The two tests run in
this order."""

import pytest

from pages.models import GuidancePage, SectionPage
from tests.factories import create_guidance_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

CHANGED = "Changed by the first test"


def test_a_test_changes_the_shared_section_and_adds_a_page(section):
    section.title = CHANGED
    section.save_revision().publish()
    create_guidance_page("Added by the first test", parent=section)
    assert SectionPage.objects.get(pk=section.pk).title == CHANGED


def test_the_next_test_starts_from_the_shared_content_as_it_was_made(
    section, guidance_page, shared_section
):
    assert section.title == shared_section.title == "Working with families"
    assert section is not shared_section
    assert SectionPage.objects.get(pk=section.pk).title == "Working with families"
    assert not GuidancePage.objects.filter(title="Added by the first test").exists()
    assert guidance_page.get_parent().pk == section.pk
