import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The session event log and its per-session counter (filled by 0011_session_event_triggers)."""

    dependencies = [
        ('sessions_app', '0009_console_daily_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='SessionEventCounter',
            fields=[
                ('session', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='event_counter', serialize=False, to='sessions_app.techspecsession')),
                ('last_seq', models.BigIntegerField()),
            ],
            options={
                'db_table': 'session_event_counters',
            },
        ),
        migrations.CreateModel(
            name='SessionEvent',
            fields=[
                ('pk', models.CompositePrimaryKey('session', 'seq', blank=True, editable=False, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField()),
                ('kind', models.CharField(max_length=40)),
                ('object_id', models.UUIDField(null=True)),
                ('data', models.JSONField(default=dict)),
                ('created_at', models.DateTimeField()),
                ('session', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='sessions_app.techspecsession')),
            ],
            options={
                'db_table': 'session_events',
            },
        ),
    ]
