"""DocumentReview and ReviewReminder now belong to the reviews app (reviews 0001), which
keeps their tables: they leave this app's migration state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_pending_document_changes"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DocumentReview"),
                migrations.DeleteModel(name="ReviewReminder"),
            ],
            database_operations=[],
        )
    ]
