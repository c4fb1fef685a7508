"""Documents whose file was replaced before versions existed get their versions from their
file history: the first file as version 1 (published when the document was added), then
each later file with the note of the replacement that brought it in."""

from django.db import migrations

FIRST_VERSION_NOTE = "First published on this site."


def versions_from_file_history(apps, schema_editor):
    ProtocolDocument = apps.get_model("documents", "ProtocolDocument")
    ProtocolVersion = apps.get_model("documents", "ProtocolVersion")
    documents = ProtocolDocument.objects.filter(
        file_versions__isnull=False, versions__isnull=True
    ).distinct()
    for document in documents.iterator():
        replaced = list(document.file_versions.order_by("replaced_at", "pk"))
        published_at = document.created_at
        note = FIRST_VERSION_NOTE
        versions = []
        for number, file_version in enumerate(replaced, start=1):
            versions.append(
                ProtocolVersion(
                    document=document,
                    number=number,
                    published_at=published_at,
                    change_note=note,
                    alert_subscribers=False,
                    file_version=file_version,
                )
            )
            published_at, note = file_version.replaced_at, file_version.change_note
        versions.append(
            ProtocolVersion(
                document=document,
                number=len(replaced) + 1,
                published_at=published_at,
                change_note=note,
                alert_subscribers=False,
            )
        )
        ProtocolVersion.objects.bulk_create(versions)


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_protocol_versions")]

    operations = [
        migrations.RunPython(versions_from_file_history, migrations.RunPython.noop),
    ]
