"""The "Reviewers" group: people who check that protocol documents are still current.

They see the document review dates report, record reviews, and can pick documents in
choosers; they cannot edit pages or change documents.
"""

from django.db import migrations

GROUP_NAME = "Reviewers"


def get_permission(apps, app_label, model, codename, name):
    # On a fresh database post_migrate has not created content types and permissions yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_reviewers_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    reviewers, _ = Group.objects.get_or_create(name=GROUP_NAME)
    reviewers.permissions.add(
        get_permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        get_permission(
            apps,
            "documents",
            "protocoldocument",
            "review_document",
            "Can see document review dates and record reviews",
        ),
    )
    # Collection permissions for documents hang off Wagtail's own document model.
    GroupCollectionPermission.objects.get_or_create(
        group=reviewers,
        collection=Collection.objects.get(depth=1),
        permission=get_permission(
            apps, "wagtaildocs", "document", "choose_document", "Can choose document"
        ),
    )


def remove_reviewers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_reviewreminder"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        # Wagtail's 0023 gives "choose image" to every group that can access the admin:
        # run it first, so that it never reaches Reviewers.
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_reviewers_group, remove_reviewers_group)]
