"""Learning themes and agencies reach readers only once an Approver approves them, like
every other snippet the public sees: editors keep them, Approvers publish them. Approvers
and Reviewers see how teams used the briefings (Reports → Briefings used)."""

from django.db import migrations

WORKFLOW = "Partnership approval"
EDITORS = "Editors"
APPROVERS = "Approvers"
REVIEWERS = "Reviewers"
APPROVED_SNIPPETS = ["learningtheme", "agency"]
REPORT_PERMISSION = "view_briefing_use_report"


def permission(apps, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # On a fresh database post_migrate has not created content types and permissions yet.
    content_type, _ = ContentType.objects.get_or_create(app_label="learning", model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def through_approval(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    workflow = Workflow.objects.get(name=WORKFLOW)
    editors = Group.objects.get(name=EDITORS)
    approvers = Group.objects.get(name=APPROVERS)
    for model in APPROVED_SNIPPETS:
        verbose_name = apps.get_model("learning", model)._meta.verbose_name
        WorkflowContentType.objects.update_or_create(
            content_type=permission(apps, model, f"add_{model}", f"Can add {verbose_name}").content_type,
            defaults={"workflow": workflow},
        )
        for action in ("add", "change", "delete"):
            granted = permission(apps, model, f"{action}_{model}", f"Can {action} {verbose_name}")
            editors.permissions.add(granted)
            approvers.permissions.add(granted)
        approvers.permissions.add(
            permission(apps, model, f"publish_{model}", f"Can publish {verbose_name}")
        )
    report = permission(
        apps, "briefinguse", REPORT_PERMISSION, "Can see how teams used the briefings"
    )
    for group in Group.objects.filter(name__in=[APPROVERS, REVIEWERS]):
        group.permissions.add(report)


def published_at_once(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowContentType.objects.filter(
        content_type__in=ContentType.objects.filter(
            app_label="learning", model__in=APPROVED_SNIPPETS
        )
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_briefing_uses_and_snippet_revisions"),
        ("editorial", "0002_snippets_go_through_partnership_approval"),
        ("documents", "0003_reviewers_group"),
    ]

    operations = [migrations.RunPython(through_approval, published_at_once)]
