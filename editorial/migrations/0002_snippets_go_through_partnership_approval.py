"""Snippets that practitioners see go through the "Partnership approval" workflow, as
pages do: procedure links, chapters, consortium partnerships and promoted search results.

Editors keep adding and changing them, which now saves a draft they submit for approval;
only Approvers get the permission to publish them. Every row that existed before is
already live (procedures 0002, site_search 0002), so nothing leaves the public site.
"""

from django.db import migrations

WORKFLOW = "Partnership approval"
APPROVERS = "Approvers"

APPROVED_SNIPPETS = [
    ("procedures", "procedurelink"),
    ("procedures", "procedurechapter"),
    ("procedures", "consortiumpartnership"),
    ("site_search", "promotedresult"),
]


def snippets_through_approval(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    workflow = Workflow.objects.get(name=WORKFLOW)
    approvers = Group.objects.get(name=APPROVERS)
    for app_label, model in APPROVED_SNIPPETS:
        # On a fresh database post_migrate has not created content types and permissions yet.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
        verbose_name = apps.get_model(app_label, model)._meta.verbose_name
        publish, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"publish_{model}",
            defaults={"name": f"Can publish {verbose_name}"},
        )
        approvers.permissions.add(publish)


def snippets_published_at_once(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    for app_label, model in APPROVED_SNIPPETS:
        content_types = ContentType.objects.filter(app_label=app_label, model=model)
        WorkflowContentType.objects.filter(content_type__in=content_types).delete()
        Permission.objects.filter(
            content_type__in=content_types, codename=f"publish_{model}"
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_roles_and_partnership_approval"),
        ("procedures", "0002_snippet_changes_need_approval"),
        ("site_search", "0002_promoted_results_need_approval"),
    ]

    operations = [migrations.RunPython(snippets_through_approval, snippets_published_at_once)]
