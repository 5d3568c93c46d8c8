"""Every admin page of every model renders for staff; mirrors refuse writes; non-staff go to login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from design_bridge.models import DesignDecision, DesignJob, DesignOutput, DesignProgress
from sessions_app.models import AgentErrorLog, GeneratedTRDDocument, TechConversation, TechResearch, TechSpecSession
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    DesignProgressFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

ALL_MODELS = (
    TechSpecSession, TechResearch, TechConversation, GeneratedTRDDocument, AgentErrorLog,
    DesignJob, DesignOutput, DesignDecision, DesignProgress,
)
MIRRORS = (DesignJob, DesignOutput, DesignDecision, DesignProgress)


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def rows():
    """One row of every model, all hanging off one session and its design job."""
    job = DesignJobFactory(with_outputs=True)
    session = TechSpecSessionFactory(design_job=job)
    return {
        TechSpecSession: session,
        TechResearch: TechResearchFactory(session=session, decided=True),
        TechConversation: TechConversationFactory(session=session),
        GeneratedTRDDocument: GeneratedTRDDocumentFactory(session=session),
        AgentErrorLog: AgentErrorLogFactory(session=session),
        DesignJob: job,
        DesignOutput: job.outputs.first(),
        DesignDecision: DesignDecisionFactory(job=job),
        DesignProgress: DesignProgressFactory(job=job),
    }


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelist_renders_with_the_row(admin_client, rows, model):
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    expected = rows[model]._meta.model._default_manager.count()
    assert response.context["cl"].result_count == expected >= 1
    assert str(rows[model].pk) in response.content.decode()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_change_page_renders(admin_client, rows, model):
    response = admin_client.get(url(model, "change", rows[model].pk))
    assert response.status_code == 200
    assert response.context["original"].pk == rows[model].pk


def test_session_add_page_renders_with_a_raw_id_design_job(admin_client, db):
    response = admin_client.get(url(TechSpecSession, "add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="design_job"' in html
    assert "vForeignKeyRawIdAdminField" in html
    assert 'id="lookup_id_design_job"' in html
    assert '<select name="design_job"' not in html


@pytest.mark.parametrize("model", [m for m in ALL_MODELS if m is not TechSpecSession], ids=lambda m: m.__name__)
def test_add_is_refused_where_the_agent_or_design_agent_writes(admin_client, rows, model):
    assert admin_client.get(url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", MIRRORS, ids=lambda m: m.__name__)
def test_design_mirrors_refuse_change_and_delete(admin_client, rows, model):
    obj = rows[model]
    assert admin_client.post(url(model, "change", obj.pk), {"status": "failed"}).status_code == 403
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", MIRRORS, ids=lambda m: m.__name__)
def test_design_mirror_changelists_offer_no_delete_action(admin_client, rows, model):
    response = admin_client.get(url(model, "changelist"))
    assert "delete_selected" not in response.content.decode()


def test_design_jobs_are_searchable_by_exact_project_id(admin_client, rows):
    other = DesignJobFactory()
    job = rows[DesignJob]
    response = admin_client.get(url(DesignJob, "changelist"), {"q": str(job.project_id)})
    assert [j.pk for j in response.context["cl"].result_list] == [job.pk]
    assert other.pk != job.pk


def test_design_outputs_are_searchable_by_project_id(admin_client, rows):
    DesignJobFactory(with_outputs=True)
    job = rows[DesignJob]
    response = admin_client.get(url(DesignOutput, "changelist"), {"q": str(job.project_id)})
    assert {o.job_id for o in response.context["cl"].result_list} == {job.pk}
    assert len(response.context["cl"].result_list) == 4


@pytest.mark.parametrize(
    ("model", "index_columns"),
    [(DesignOutput, ["job_id", "output_type"]), (DesignDecision, ["job_id", "created_at"]),
     (DesignProgress, ["job_id", "created_at"])],
    ids=lambda v: getattr(v, "__name__", "-"),
)
def test_design_job_children_are_listed_in_the_order_of_their_job_index(admin_client, rows, model, index_columns):
    """The Design Agent's tables have no created_at index: a newest-first page would sort them whole."""
    from django.db import connection

    changelist = admin_client.get(url(model, "changelist")).context["cl"]
    order = [str(o).lstrip("-") for o in changelist.queryset.query.order_by]
    assert order[:2] == index_columns
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'shared' AND tablename = %s",
            [model._meta.db_table.split('"."')[1]],
        )
        assert any(f"({', '.join(index_columns)})" in d for (d,) in cursor.fetchall())
    assert changelist.model_admin.sortable_by == ("row_id",)  # the id column, ordered by the primary key

    # A hand-made ?o= on the created_at column changes nothing: sortable_by holds for it too.
    column = list(changelist.list_display).index("created")
    by_hand = admin_client.get(url(model, "changelist"), {"o": str(column)}).context["cl"]
    assert [str(o).lstrip("-") for o in by_hand.queryset.query.order_by][:2] == index_columns


def test_the_old_markdown_page_of_a_trd_now_redirects_to_the_rendered_document(admin_client, db):
    trd = GeneratedTRDDocumentFactory()
    response = admin_client.get(reverse("admin:sessions_app_generatedtrddocument_markdown", args=[trd.pk]))
    assert response.status_code == 301
    assert response.url == reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk])


def test_trd_document_view_of_a_missing_version_is_404(admin_client, db):
    missing = "00000000-0000-0000-0000-000000000000"
    response = admin_client.get(reverse("admin:sessions_app_generatedtrddocument_document", args=[missing]))
    assert response.status_code == 404


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model, rows, model):
    client.force_login(django_user_model.objects.create_user("visitor", password="pw-visitor-1"))
    for target in (url(model, "changelist"), url(model, "change", rows[model].pk)):
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_users_cannot_open_the_grouped_error_view_or_trd_view(client, rows):
    trd = rows[GeneratedTRDDocument]
    for target in (
        reverse("admin:sessions_app_agenterrorlog_groups"),
        reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk]),
        reverse("admin:sessions_app_generatedtrddocument_compare") + f"?session={trd.session_id}",
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
