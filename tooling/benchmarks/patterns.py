"""The query patterns bench_queries times, each through the code users run.

A pattern calls a selector, a service, an API view (in-process client) or an
admin page; never a hand-written copy of its SQL. Two "baseline" patterns are
the exception: plain ORM queries that calibrate the ORM ÷ raw column on the
machine at hand. Thresholds are the defaults for --check, from the original
performance plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from design_bridge import services as design_services
from sessions_app import selectors, services
from sessions_app.api.filters import ErrorLogFilter, SessionFilter
from sessions_app.models import TechSpecSession
from sessions_app.selectors import timeline as timeline_selectors


@dataclass(frozen=True)
class Pattern:
    """One timed operation."""

    name: str
    threshold_ms: float
    kind: str  # "lookup", "list", "aggregate", "write", "api", "admin", "baseline"
    run: Callable[[Any], Any]
    # Where the plan must use an index: a Seq Scan on a big table is flagged.
    expects_index: bool = True

    @property
    def compares_raw(self) -> bool:
        """ORM reads are also run as raw SQL through psycopg to measure the ORM's overhead."""
        return self.kind in ("lookup", "list", "aggregate", "baseline")


def _rows(value) -> int:
    if value is None:
        return 0
    if hasattr(value, "status_code"):  # an HTTP response: rows of a list page, else one object
        data = getattr(value, "data", None)
        return len(data["results"]) if isinstance(data, dict) and "results" in data else 1
    if isinstance(value, dict | list | tuple):
        return len(value)
    return 1


def _session_with_children(ctx):
    session = selectors.session_get(session_id=ctx.session_id)
    research = list(selectors.research_list(session=session))
    page = list(selectors.conversation_list(session=session)[:50])
    trds = list(selectors.trd_versions(session=session))
    errors = list(selectors.session_error_list(session=session)[:50])
    return [session, *research, *page, *trds, *errors]


def _filtered(filterset_class, data: dict, queryset):
    """The API's FilterSet on the selector's queryset: what a filtered API list runs."""
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        raise RuntimeError(f"{filterset_class.__name__} refused {data}: {filterset.errors}")
    return filterset.qs


def _design_job_documents(ctx):
    outputs = design_services.load_design_agent_outputs(ctx.design_job_id)
    decisions = design_services.load_design_decisions(ctx.design_job_id)
    return [outputs, *decisions]


# Calibration, not application code: the plain ORM on a plain query, so a report shows
# what ORM ÷ raw the machine gives before any selector adds to it.
def _baseline_get(ctx):
    return TechSpecSession.objects.get(pk=ctx.session_id)


def _baseline_list(ctx):
    return list(TechSpecSession.objects.filter(status=ctx.status).order_by("-created_at")[:50])


def _insert_error(ctx):
    return services.error_record(
        session=selectors.session_get(session_id=ctx.session_id), node="bench_queries", error_type="BenchmarkProbe",
        message="Written by bench_queries inside a transaction that is rolled back.",
    )


def _get(ctx, url: str, **extra):
    response = ctx.client.get(url, **extra)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:200]!r}")
    return response


def _console_url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _admin(ctx, url: str):
    response = ctx.admin_client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _timeline_page(ctx):
    return timeline_selectors.session_timeline(session_id=ctx.busy_session_id).entries


def _admin_timeline(ctx):
    return _admin(ctx, reverse("admin:sessions_app_techspecsession_change", args=[ctx.busy_session_id]))


PATTERNS: list[Pattern] = [
    Pattern("session_by_id", 5, "lookup", lambda c: selectors.session_get(session_id=c.session_id)),
    Pattern(
        "sessions_by_status_50", 50, "list",
        lambda c: list(_filtered(SessionFilter, {"status": c.status}, selectors.session_list())[:50]),
    ),
    Pattern(
        "research_by_session", 20, "list",
        lambda c: list(selectors.research_list(session=selectors.session_get(session_id=c.session_id))),
    ),
    Pattern(
        "conversation_page_50", 30, "list",
        # The API's first page: DRF's cursor pages read page_size + 1 rows to know whether a next page exists.
        lambda c: list(selectors.conversation_list(session=selectors.session_get(session_id=c.session_id))[:51]),
    ),
    Pattern("counts_by_status", 50, "aggregate", lambda c: selectors.session_counts_by_status(), False),
    Pattern(
        "stats_by_status", 50, "aggregate", lambda c: selectors.session_stats_by_status(), False,
    ),
    Pattern("session_with_children", 100, "list", _session_with_children),
    Pattern(
        "unrecovered_errors_by_node_50", 50, "list",
        lambda c: list(
            _filtered(ErrorLogFilter, {"node": c.node, "recovered": "false"}, selectors.error_log_list())[:50]
        ),
    ),
    Pattern("design_job_outputs_and_decisions", 100, "list", _design_job_documents),
    Pattern(
        "counts_by_design_job_status", 50, "aggregate",
        lambda c: selectors.session_counts_by_design_job_status(), False,
    ),
    Pattern("fk_checked_insert", 20, "write", _insert_error),
    Pattern("orm_baseline_get_by_pk", 5, "baseline", _baseline_get),
    Pattern("orm_baseline_list_50", 50, "baseline", _baseline_list),
    Pattern("api_session_status", 200, "api", lambda c: _get(c, f"/api/tech-spec/sessions/{c.session_id}/status")),
    Pattern("api_session_list", 200, "api", lambda c: _get(c, f"/api/sessions/?status={c.status}")),
    Pattern("api_trd", 200, "api", lambda c: _get(c, f"/api/tech-spec/sessions/{c.trd_session_id}/trd")),
    Pattern("admin_sessions_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["sessions"])),
    Pattern("admin_session_change", 300, "admin", lambda c: _admin(c, c.admin_urls["session"])),
    Pattern("admin_errors_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["errors"])),
    Pattern("admin_error_groups", 300, "admin", lambda c: _admin(c, c.admin_urls["error_groups"])),
    Pattern("admin_research_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["research"])),
    Pattern("admin_conversations_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["conversations"])),
    Pattern("admin_trd_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["trds"])),
    Pattern("admin_design_jobs_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["design_jobs"])),
    Pattern("admin_design_outputs_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["design_outputs"])),
    Pattern(
        "admin_design_decisions_changelist", 300, "admin", lambda c: _admin(c, c.admin_urls["design_decisions"])
    ),
    # Issue 17, lists/timeline/health: a session with 10,000 messages (context._busy_session), its
    # timeline through the selector and its change page (which shows the timeline's first page).
    Pattern("session_timeline_page_10k", 30, "list", _timeline_page),
    Pattern("admin_session_timeline_10k", 300, "admin", _admin_timeline),
    Pattern("admin_db_health", 300, "admin", lambda c: _admin(c, reverse("techspec-db-health")), False),
]


def _big_trds(ctx, key: str):
    """Two ~200 KB versions (the second revises a tenth of the first) stored in the TRD session,
    once per pattern: the first (warm-up) call writes them; each pattern's savepoint removes them."""
    from tooling.benchmarks.big_trd import big_trd_fields

    stored = ctx.__dict__.setdefault("big_trds", {})
    if key not in stored:
        old = services.trd_store(session_id=ctx.trd_session_id, **big_trd_fields(revision=0))
        new = services.trd_store(session_id=ctx.trd_session_id, **big_trd_fields(revision=1))
        session = selectors.session_get(session_id=ctx.trd_session_id)
        stored[key] = (selectors.trd_get(session=session, version=old.version), new)
    return stored[key]


def _trd_render_cold(ctx):
    from sessions_app.trd.document import trd_render

    return trd_render(_big_trds(ctx, "render_cold")[0])


def _trd_render_cached(ctx):
    from sessions_app.trd.document import trd_document

    return trd_document(_big_trds(ctx, "render_cached")[0])


def _trd_diff_cold(ctx):
    from sessions_app.models import GeneratedTRDDocument
    from sessions_app.trd.diff import trd_diff
    from tooling.benchmarks.big_trd import big_trd_fields

    if "diff_cold" not in ctx.__dict__:  # difflib alone: the two versions need not be stored
        ctx.diff_cold = [GeneratedTRDDocument(version=r + 1, **big_trd_fields(revision=r)) for r in (0, 1)]
    return trd_diff(*ctx.diff_cold)


def _admin_trd_document(ctx):
    from django.urls import reverse

    trd = _big_trds(ctx, "admin_document")[0]
    return _admin(ctx, reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk]))


def _api_trd_compare(ctx):
    old, new = _big_trds(ctx, "api_compare")
    return _get(ctx, f"/api/sessions/{ctx.trd_session_id}/trd-versions/compare?from={old.version}&to={new.version}")


def _admin_trd_compare(ctx):
    from django.urls import reverse

    old, new = _big_trds(ctx, "admin_compare")
    url = reverse("admin:sessions_app_generatedtrddocument_compare")
    return _admin(ctx, f"{url}?session={ctx.trd_session_id}&from={old.version}&to={new.version}")


# The TRD as a document (issue 16), on a 200 KB TRD: rendering it to HTML must stay under
# 100 ms p95, which it does from the per-version cache; the cold render (markdown-it-py,
# Pygments, nh3 on 200 KB, once per version) is timed too, so its cost is on record.
PATTERNS += [
    Pattern("trd_render_html_200kb_cold", 1500, "render", _trd_render_cold, False),
    Pattern("trd_render_html_200kb", 100, "render", _trd_render_cached, False),
    Pattern("admin_trd_document_200kb", 300, "admin", _admin_trd_document),
    Pattern("trd_diff_200kb_cold", 1000, "render", _trd_diff_cold, False),
    Pattern("api_trd_compare_200kb", 200, "api", _api_trd_compare),
    Pattern("admin_trd_compare_200kb", 300, "admin", _admin_trd_compare),
]

# Staff console (issue 17): summaries kept by triggers and the first rows of indexes, never a scan.
PATTERNS += [
    Pattern("admin_overview", 300, "admin", lambda c: _admin(c, _console_url("admin-overview"))),
    Pattern("admin_overview_365_days", 300, "admin", lambda c: _admin(c, _console_url("admin-overview", days=365))),
    Pattern(
        "admin_error_groups_all_time_by_trend", 300, "admin",
        lambda c: _admin(c, _console_url("admin:sessions_app_agenterrorlog_groups", window="all", sort="trend")),
    ),
]


def rows_of(value) -> int:
    return _rows(value)
