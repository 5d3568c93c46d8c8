from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for the admin's unfiltered, newest-first lists of research, messages and TRDs.

    Built CONCURRENTLY (so outside a transaction): on a live database with
    millions of rows a plain CREATE INDEX would block writers for its duration.
    """

    atomic = False

    dependencies = [
        ("sessions_app", "0004_session_status_counts"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="generatedtrddocument",
            index=models.Index(fields=["-created_at", "-id"], name="trd_created_idx"),
        ),
        AddIndexConcurrently(
            model_name="techconversation",
            index=models.Index(fields=["-timestamp", "-id"], name="conversation_time_idx"),
        ),
        AddIndexConcurrently(
            model_name="techresearch",
            index=models.Index(fields=["-created_at", "-id"], name="research_created_idx"),
        ),
    ]
