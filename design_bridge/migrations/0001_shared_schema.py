
from django.conf import settings
from django.db import migrations, models

from design_bridge import shared_schema


def ensure_shared_schema(apps, schema_editor):
    """Create shared.* (bootstrap mode) or check that the Design Agent has (verify mode)."""
    with schema_editor.connection.cursor() as cursor:
        if settings.DESIGN_BRIDGE_MODE == "bootstrap":
            shared_schema.bootstrap(cursor)
        else:
            shared_schema.verify(cursor)


def release_shared_schema(apps, schema_editor):
    """Drop only the tables bootstrap created; in verify mode shared.* is not ours to touch."""
    if settings.DESIGN_BRIDGE_MODE == "bootstrap":
        with schema_editor.connection.cursor() as cursor:
            shared_schema.unbootstrap(cursor)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    # sessions_app's first migration depends on this one, so shared.design_jobs
    # exists (or is known to exist) before any foreign key references it.
    operations = [
        migrations.RunPython(ensure_shared_schema, release_shared_schema, elidable=False),
        migrations.CreateModel(
            name='DesignDecision',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('decision_type', models.CharField(max_length=64)),
                ('decision_value', models.TextField()),
                ('reasoning', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'db_table': 'shared"."design_decisions',
                'ordering': ['created_at', 'id'],
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='DesignJob',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('project_id', models.UUIDField()),
                ('user_id', models.UUIDField(blank=True, null=True)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('completed', 'Completed'), ('failed', 'Failed')], max_length=32)),
                ('created_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'db_table': 'shared"."design_jobs',
                'ordering': ['-created_at'],
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='DesignOutput',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('output_type', models.CharField(choices=[('prd', 'PRD'), ('design_system', 'Design system'), ('ux_flow', 'UX flow'), ('screen_specs', 'Screen specs'), ('ai_studio_code', 'AI Studio code')], max_length=64)),
                ('content', models.TextField(blank=True)),
                ('file_path', models.TextField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'db_table': 'shared"."design_outputs',
                'ordering': ['output_type'],
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='DesignProgress',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('stage', models.CharField(max_length=64)),
                ('progress_percentage', models.SmallIntegerField()),
                ('message', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'verbose_name_plural': 'design progress',
                'db_table': 'shared"."design_progress',
                'ordering': ['created_at', 'id'],
                'managed': False,
            },
        ),
    ]
