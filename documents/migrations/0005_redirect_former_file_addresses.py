"""Old addresses of files replaced in another format used to be answered by the project's
own serve view; Wagtail's serve view is used now, and its redirect middleware answers them
from a Redirect for each (what replacing a file adds from now on)."""

from django.db import migrations


def redirect_former_file_addresses(apps, schema_editor):
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    DocumentFileVersion = apps.get_model("documents", "DocumentFileVersion")
    for version in DocumentFileVersion.objects.select_related("document"):
        document = version.document
        current_name = document.file.name.rsplit("/", 1)[-1]
        if version.filename == current_name:
            continue
        Redirect.objects.update_or_create(
            old_path=f"/documents/{document.pk}/{version.filename}",
            site=None,
            defaults={
                "redirect_link": f"/documents/{document.pk}/{current_name}",
                "is_permanent": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_document_approval"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(redirect_former_file_addresses, migrations.RunPython.noop)]
