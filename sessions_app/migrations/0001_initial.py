

import django.db.models.deletion
import django.db.models.functions.datetime
import django.db.models.lookups
import django.utils.timezone
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('design_bridge', '0001_shared_schema'),
    ]

    operations = [
        migrations.CreateModel(
            name='TechSpecSession',
            fields=[
                ('id', models.UUIDField(db_default=models.Func(function='gen_random_uuid', output_field=models.UUIDField()), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('project_id', models.UUIDField()),
                ('user_id', models.UUIDField(help_text='The platform user who owns the session (no foreign key).')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('in_progress', 'In progress'), ('waiting_user', 'Waiting for user'), ('completed', 'Completed'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=20)),
                ('current_stage', models.CharField(choices=[('initialization', 'Initialization'), ('analysis', 'Gap analysis'), ('research', 'Technology research'), ('decisions', 'User decisions'), ('code_analysis', 'Code analysis'), ('generation', 'TRD generation'), ('validation', 'Validation'), ('completed', 'Completed')], default='initialization', max_length=20)),
                ('progress_percentage', models.SmallIntegerField(default=0)),
                ('session_data', models.JSONField(blank=True, default=dict)),
                ('websocket_url', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now())),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
                ('design_job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tech_spec_sessions', to='design_bridge.designjob')),
            ],
            options={
                'db_table': 'tech_spec_sessions',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='TechResearch',
            fields=[
                ('id', models.UUIDField(db_default=models.Func(function='gen_random_uuid', output_field=models.UUIDField()), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('technology_category', models.CharField(max_length=100)),
                ('gap_description', models.TextField()),
                ('researched_options', models.JSONField(default=list, help_text='A JSON list of option objects, each with a "name".')),
                ('selected_technology', models.CharField(blank=True, default='', max_length=200)),
                ('is_custom_selection', models.BooleanField(default=False, help_text='The user chose a technology outside the researched options.')),
                ('selection_reasoning', models.TextField(blank=True, default='')),
                ('decision_timestamp', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, editable=False)),
                ('session', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='research', to='sessions_app.techspecsession')),
            ],
            options={
                'verbose_name_plural': 'tech research',
                'db_table': 'tech_research',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='TechConversation',
            fields=[
                ('id', models.UUIDField(db_default=models.Func(function='gen_random_uuid', output_field=models.UUIDField()), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('role', models.CharField(choices=[('user', 'User'), ('agent', 'Agent'), ('system', 'System')], max_length=10)),
                ('message', models.TextField()),
                ('message_type', models.CharField(choices=[('text', 'Text'), ('question', 'Question'), ('options', 'Options'), ('decision', 'Decision'), ('progress', 'Progress'), ('error', 'Error')], default='text', max_length=20)),
                ('metadata', models.JSONField(blank=True, default=dict)),
                ('timestamp', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now)),
                ('research', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='conversations', to='sessions_app.techresearch')),
                ('session', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='sessions_app.techspecsession')),
            ],
            options={
                'db_table': 'tech_conversations',
                'ordering': ['timestamp', 'id'],
            },
        ),
        migrations.CreateModel(
            name='GeneratedTRDDocument',
            fields=[
                ('id', models.UUIDField(db_default=models.Func(function='gen_random_uuid', output_field=models.UUIDField()), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('trd_content', models.TextField()),
                ('api_specification', models.TextField(blank=True, default='')),
                ('database_schema', models.TextField(blank=True, default='')),
                ('architecture_diagram', models.TextField(blank=True, default='')),
                ('tech_stack_document', models.TextField(blank=True, default='')),
                ('quality_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                ('validation_report', models.JSONField(blank=True, default=dict)),
                ('version', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, editable=False)),
                ('session', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='trd_documents', to='sessions_app.techspecsession')),
            ],
            options={
                'verbose_name': 'generated TRD document',
                'db_table': 'generated_trd_documents',
                'ordering': ['session', '-version'],
            },
        ),
        migrations.CreateModel(
            name='AgentErrorLog',
            fields=[
                ('id', models.UUIDField(db_default=models.Func(function='gen_random_uuid', output_field=models.UUIDField()), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('node', models.CharField(max_length=100)),
                ('error_type', models.CharField(max_length=100)),
                ('message', models.TextField()),
                ('stack_trace', models.TextField(blank=True, default='')),
                ('retry_count', models.IntegerField(default=0)),
                ('recovered', models.BooleanField(default=False)),
                ('recovery_strategy', models.CharField(blank=True, default='', max_length=100)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, editable=False)),
                ('session', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='error_logs', to='sessions_app.techspecsession')),
            ],
            options={
                'db_table': 'agent_error_logs',
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddIndex(
            model_name='techspecsession',
            index=models.Index(fields=['status', '-created_at'], name='session_status_created_idx'),
        ),
        migrations.AddIndex(
            model_name='techspecsession',
            index=models.Index(fields=['user_id', '-created_at'], name='session_user_created_idx'),
        ),
        migrations.AddIndex(
            model_name='techspecsession',
            index=models.Index(fields=['project_id'], name='session_project_idx'),
        ),
        migrations.AddIndex(
            model_name='techspecsession',
            index=models.Index(fields=['-created_at'], name='session_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='techspecsession',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'in_progress', 'waiting_user', 'completed', 'failed', 'cancelled'])), name='session_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='techspecsession',
            constraint=models.CheckConstraint(condition=models.Q(('current_stage__in', ['initialization', 'analysis', 'research', 'decisions', 'code_analysis', 'generation', 'validation', 'completed'])), name='session_stage_valid'),
        ),
        migrations.AddConstraint(
            model_name='techspecsession',
            constraint=models.CheckConstraint(condition=models.Q(('progress_percentage__gte', 0), ('progress_percentage__lte', 100)), name='session_progress_range'),
        ),
        migrations.AddConstraint(
            model_name='techspecsession',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('completed_at__isnull', False), ('current_stage', 'completed'), ('progress_percentage', 100), ('status', 'completed')), models.Q(models.Q(('status', 'completed'), _negated=True), ('completed_at__isnull', True), ('progress_percentage__lt', 100), models.Q(('current_stage', 'completed'), _negated=True)), _connector='OR'), name='session_completion_consistent'),
        ),
        migrations.AddConstraint(
            model_name='techspecsession',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.Exact(models.Func(models.F('session_data'), function='jsonb_typeof', output_field=models.CharField()), models.Value('object')), name='session_data_is_object'),
        ),
        migrations.AddConstraint(
            model_name='techspecsession',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ('pending', 'in_progress', 'waiting_user'))), fields=('design_job', 'user_id'), name='session_one_active_per_job_user'),
        ),
        migrations.AddIndex(
            model_name='techresearch',
            index=models.Index(fields=['session', 'technology_category'], name='research_session_category_idx'),
        ),
        migrations.AddConstraint(
            model_name='techresearch',
            constraint=models.CheckConstraint(condition=models.Q(('technology_category', ''), _negated=True), name='research_category_not_blank'),
        ),
        migrations.AddConstraint(
            model_name='techresearch',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.Exact(models.Func(models.F('researched_options'), function='jsonb_typeof', output_field=models.CharField()), models.Value('array')), name='research_options_is_array'),
        ),
        migrations.AddConstraint(
            model_name='techresearch',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision_timestamp__isnull', True), ('selected_technology', '')), models.Q(models.Q(('selected_technology', ''), _negated=True), ('decision_timestamp__isnull', False)), _connector='OR'), name='research_decision_complete'),
        ),
        migrations.AddConstraint(
            model_name='techresearch',
            constraint=models.CheckConstraint(condition=models.Q(('selected_technology', ''), ('is_custom_selection', True), ('researched_options__contains', models.Func(models.Func(models.Value('name'), models.F('selected_technology'), function='jsonb_build_object', output_field=models.JSONField()), function='jsonb_build_array', output_field=models.JSONField())), _connector='OR'), name='research_selection_in_options'),
        ),
        migrations.AddIndex(
            model_name='techconversation',
            index=models.Index(fields=['session', 'timestamp', 'id'], name='conversation_session_time_idx'),
        ),
        migrations.AddConstraint(
            model_name='techconversation',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['user', 'agent', 'system'])), name='conversation_role_valid'),
        ),
        migrations.AddConstraint(
            model_name='techconversation',
            constraint=models.CheckConstraint(condition=models.Q(('message_type__in', ['text', 'question', 'options', 'decision', 'progress', 'error'])), name='conversation_type_valid'),
        ),
        migrations.AddConstraint(
            model_name='techconversation',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.Exact(models.Func(models.F('metadata'), function='jsonb_typeof', output_field=models.CharField()), models.Value('object')), name='conversation_metadata_is_object'),
        ),
        migrations.AddConstraint(
            model_name='generatedtrddocument',
            constraint=models.UniqueConstraint(fields=('session', 'version'), name='trd_version_unique_per_session'),
        ),
        migrations.AddConstraint(
            model_name='generatedtrddocument',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='trd_version_positive'),
        ),
        migrations.AddConstraint(
            model_name='generatedtrddocument',
            constraint=models.CheckConstraint(condition=models.Q(('quality_score__isnull', True), models.Q(('quality_score__gte', 0), ('quality_score__lte', 100)), _connector='OR'), name='trd_quality_score_range'),
        ),
        migrations.AddConstraint(
            model_name='generatedtrddocument',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.Exact(models.Func(models.F('validation_report'), function='jsonb_typeof', output_field=models.CharField()), models.Value('object')), name='trd_validation_report_is_object'),
        ),
        migrations.AddIndex(
            model_name='agenterrorlog',
            index=models.Index(fields=['node', 'recovered', '-created_at'], name='error_node_recovered_idx'),
        ),
        migrations.AddIndex(
            model_name='agenterrorlog',
            index=models.Index(fields=['session', '-created_at'], name='error_session_created_idx'),
        ),
        migrations.AddIndex(
            model_name='agenterrorlog',
            index=models.Index(fields=['-created_at'], name='error_created_idx'),
        ),
        migrations.AddConstraint(
            model_name='agenterrorlog',
            constraint=models.CheckConstraint(condition=models.Q(('retry_count__gte', 0)), name='error_retry_count_non_negative'),
        ),
        migrations.AddConstraint(
            model_name='agenterrorlog',
            constraint=models.CheckConstraint(condition=models.Q(('node', ''), _negated=True), name='error_node_not_blank'),
        ),
        migrations.AddConstraint(
            model_name='agenterrorlog',
            constraint=models.CheckConstraint(condition=models.Q(('error_type', ''), _negated=True), name='error_type_not_blank'),
        ),
    ]
