"""Editors, Approvers and Reviewers see readers' reports and mark them dealt with: editors
and approvers correct the pages and documents, reviewers check them."""

from django.db import migrations

GROUP_NAMES = ["Editors", "Approvers", "Reviewers"]
PERMISSIONS = [
    ("view_readerreport", "Can view reader report"),
    ("deal_with_readerreport", "Can mark reader reports as dealt with"),
]


def grant(apps, schema_editor):
    # On a fresh database post_migrate has not created content types and permissions yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="feedback", model="readerreport")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in PERMISSIONS
    ]
    for group in Group.objects.filter(name__in=GROUP_NAMES):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="feedback",
        codename__in=[codename for codename, _name in PERMISSIONS],
    )
    for group in Group.objects.filter(name__in=GROUP_NAMES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_reader_reports"),
        ("editorial", "0002_snippets_go_through_partnership_approval"),
        ("documents", "0003_reviewers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
