"""Every report in the admin's Reports menu has a permission that administrators can give a
group in Settings → Groups (editorial.admin_reports registers each)."""

import pytest
from wagtail.users.forms import GroupForm

pytestmark = pytest.mark.django_db


def test_each_reports_permission_can_be_given_to_a_group():
    offered = set(
        GroupForm()
        .fields["permissions"]
        .queryset.values_list("content_type__app_label", "codename")
    )
    assert {
        ("documents", "review_document"),
        ("procedures", "view_procedure_checks"),
        ("linkhealth", "view_link_health"),
        ("learning", "view_briefing_use_report"),
    } <= offered
