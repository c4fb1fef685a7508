"""PageReview now belongs to the reviews app (reviews 0001), which keeps its table: it
leaves this app's migration state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0017_review_finding_on_case_review_pages"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PageReview")],
            database_operations=[],
        )
    ]
