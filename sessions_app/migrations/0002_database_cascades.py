from django.db import migrations

from techspec_project.migration_operations import ForeignKeyOnDelete


class Migration(migrations.Migration):
    """Move the ON DELETE rules into PostgreSQL, where plain-SQL deletes honour them too."""

    dependencies = [
        ("sessions_app", "0001_initial"),
    ]

    operations = [
        ForeignKeyOnDelete("techspecsession", "design_job", "CASCADE"),
        ForeignKeyOnDelete("techresearch", "session", "CASCADE"),
        ForeignKeyOnDelete("techconversation", "session", "CASCADE"),
        ForeignKeyOnDelete("techconversation", "research", "SET NULL"),
        ForeignKeyOnDelete("generatedtrddocument", "session", "CASCADE"),
        ForeignKeyOnDelete("agenterrorlog", "session", "CASCADE"),
    ]
