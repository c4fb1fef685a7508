"""Documents get an approval state; every document that exists is already public, so it
starts approved (the field's default). Approvers may approve documents."""

from django.db import migrations, models

APPROVERS = "Approvers"


def let_approvers_approve_documents(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="documents", model="protocoldocument"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="approve_document",
        defaults={"name": "Can approve documents for the public"},
    )
    for group in apps.get_model("auth", "Group").objects.filter(name=APPROVERS):
        group.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0003_reviewers_group'),
        ('editorial', '0001_roles_and_partnership_approval'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='protocoldocument',
            options={'permissions': [('review_document', 'Can see document review dates and record reviews'), ('approve_document', 'Can approve documents for the public')], 'verbose_name': 'document', 'verbose_name_plural': 'documents'},
        ),
        migrations.AddField(
            model_name='protocoldocument',
            name='approval',
            field=models.CharField(choices=[('approved', 'Approved'), ('awaiting', 'Awaiting approval'), ('rejected', 'Rejected')], db_index=True, default='approved', editable=False, help_text='Set by the admin form: what an Editor saves awaits an Approver.', max_length=20),
        ),
        migrations.RunPython(let_approvers_approve_documents, migrations.RunPython.noop),
    ]
