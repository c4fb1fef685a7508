"""Link checks, formerly in the procedures app (procedures 0005 renames their table).

The model enters this app's state over the existing table, rows kept. Its content type is
moved to this app rather than replaced, so the view_link_health permission, and every group
and user given it, stay as they were.
"""

from django.db import migrations, models


def move_content_type(apps, from_app, to_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=from_app, model="linkcheck").update(app_label=to_app)


def forwards(apps, schema_editor):
    move_content_type(apps, "procedures", "linkhealth")


def backwards(apps, schema_editor):
    move_content_type(apps, "linkhealth", "procedures")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("procedures", "0005_link_checks_move_to_linkhealth"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LinkCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("url", models.URLField(max_length=2000, unique=True, verbose_name="address")),
                        (
                            "status_code",
                            models.PositiveSmallIntegerField(
                                help_text="The HTTP status of the last answer, if there was one.",
                                null=True,
                            ),
                        ),
                        (
                            "final_url",
                            models.URLField(blank=True, max_length=2000, verbose_name="final address"),
                        ),
                        (
                            "redirect_chain",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="Each redirect followed: its address and status.",
                            ),
                        ),
                        (
                            "error",
                            models.TextField(
                                blank=True, help_text="Why there was no answer, if there was none."
                            ),
                        ),
                        ("checked_at", models.DateTimeField()),
                        (
                            "first_failed_at",
                            models.DateTimeField(
                                help_text="Kept while the address keeps failing; cleared when it "
                                "works again.",
                                null=True,
                                verbose_name="failing since",
                            ),
                        ),
                        (
                            "used_on",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="LinkUse fields, one per use.",
                                verbose_name="where it is used",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "link check",
                        "permissions": [("view_link_health", "Can see the broken links report")],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
