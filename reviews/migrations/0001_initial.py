"""Reviews move into their own app with their tables and rows: the models are created here in
the migration state only (their tables are the documents' and pages' of before), documents
0007 and pages 0013 take them out of those apps' state, and the content types follow so that
their permissions keep their ids."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OUTCOMES = [
    ("no_changes", "Still current: no changes needed"),
    ("updated", "Updated"),
    ("needs_rewrite", "Needs rewriting"),
    ("to_withdraw", "Should be withdrawn"),
]
MOVED = [("documents", "documentreview"), ("documents", "reviewreminder"), ("pages", "pagereview")]


def move_content_types(apps, to_reviews):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, model in MOVED:
        old_app, new_app = (app_label, "reviews") if to_reviews else ("reviews", app_label)
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def forwards(apps, schema_editor):
    move_content_types(apps, to_reviews=True)


def backwards(apps, schema_editor):
    move_content_types(apps, to_reviews=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0006_review_finding"),
        ("pages", "0012_review_finding_on_new_page_types_paragraph_comparison"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DocumentReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("reviewed_on", models.DateField(default=django.utils.timezone.localdate)),
                        ("outcome", models.CharField(choices=OUTCOMES, max_length=20)),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "reviewer",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to="documents.protocoldocument",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-reviewed_on", "-recorded_at"],
                        "abstract": False,
                        "db_table": "documents_documentreview",
                    },
                ),
                migrations.CreateModel(
                    name="PageReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("reviewed_on", models.DateField(default=django.utils.timezone.localdate)),
                        ("outcome", models.CharField(choices=OUTCOMES, max_length=20)),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "page",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "reviewer",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-reviewed_on", "-recorded_at"],
                        "abstract": False,
                        "db_table": "pages_pagereview",
                    },
                ),
                migrations.CreateModel(
                    name="ReviewReminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("owner_email", models.EmailField(max_length=254)),
                        ("sent_on", models.DateField()),
                    ],
                    options={
                        "db_table": "documents_reviewreminder",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("owner_email", "sent_on"),
                                name="one_review_reminder_per_owner_per_day",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
