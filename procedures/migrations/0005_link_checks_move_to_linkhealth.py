"""Link checks move to the linkhealth app (linkhealth 0001): the table is renamed for it and
the model leaves this app's state; its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_related_documents_count_as_uses"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="linkcheck", table="linkhealth_linkcheck"),
            ],
            state_operations=[
                migrations.DeleteModel(name="LinkCheck"),
            ],
        ),
    ]
