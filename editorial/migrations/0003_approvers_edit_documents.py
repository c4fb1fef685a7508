"""Approvers may add and edit documents (and so see the Documents menu): correcting a page
before approving it can mean uploading or fixing the document it links to."""

from django.db import migrations

APPROVERS = "Approvers"
ACTIONS = ("add", "change")


def document_permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtaildocs", model="document")
    return [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_document",
            defaults={"name": f"Can {action} document"},
        )[0]
        for action in ACTIONS
    ]


def let_approvers_edit_documents(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    approvers = Group.objects.get(name=APPROVERS)
    root_collection = Collection.objects.get(depth=1)
    for permission in document_permissions(apps):
        GroupCollectionPermission.objects.get_or_create(
            group=approvers, collection=root_collection, permission=permission
        )


def take_it_back(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupCollectionPermission.objects.filter(
        group__name=APPROVERS,
        permission__content_type__app_label="wagtaildocs",
        permission__codename__in=[f"{action}_document" for action in ACTIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("editorial", "0002_snippets_go_through_partnership_approval")]

    operations = [migrations.RunPython(let_approvers_edit_documents, take_it_back)]
