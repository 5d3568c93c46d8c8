"""TRD versions in the admin: the rendered document, a readable change page, and compare.

The documents are written by an LLM agent: the rendered HTML is sanitised (see
sessions_app/trd/html.py) and every page here carries a Content-Security-Policy
that lets only the project's own static scripts run.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from sessions_app import selectors
from sessions_app.admin.children import SessionLinkMixin
from sessions_app.admin.common import admin_link
from sessions_app.errors import InvalidValue, SessionNotFound, TRDNotFound
from sessions_app.models import GeneratedTRDDocument, TechSpecSession
from sessions_app.selectors.trd import TRD_TEXT_FIELDS
from sessions_app.trd.assets import DIAGRAMS_JS, MERMAID_JS, PAGE_POLICY, PYGMENTS_CSS, TRD_CSS
from sessions_app.trd.diff import diff_rows_html
from sessions_app.trd.document import trd_document
from sessions_app.trd.html import markdown_to_html
from sessions_app.trd.sections import CONTENT, SECTIONS
from sessions_app.trd.validation import validation_markdown
from techspec_project import pg_values
from techspec_project.admin_date_range import DateRangeFilter
from techspec_project.admin_display import DisplayMediaMixin
from techspec_project.admin_tables import BigTableAdmin, ExactIdSearchMixin, ReadOnlyAdminMixin

# More rows than this in one section's diff are cut: the API's compare has the whole diff.
DIFF_ROWS_SHOWN = 3000


def with_page_policy(view):
    """Sets the TRD pages' Content-Security-Policy on the response."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = view(*args, **kwargs)
        response["Content-Security-Policy"] = PAGE_POLICY
        return response

    return wrapped


def export_url(trd, export: str) -> str:
    """The API's download (staff's admin login is accepted there too)."""
    url = reverse("session-trd", args=[trd.session_id])
    return f"{url}?{urlencode({'version': trd.version, 'format': export})}"


def compare_url(session_id, old: int | None = None, new: int | None = None) -> str:
    params = {"session": session_id}
    if old is not None and new is not None:
        params |= {"from": old, "to": new}
    return f"{reverse('admin:sessions_app_generatedtrddocument_compare')}?{urlencode(params)}"


def document_url(trd_id) -> str:
    return reverse("admin:sessions_app_generatedtrddocument_document", args=[trd_id])


def version_links(trd) -> str:
    """ "Read vN · compare with vN-1": the TRD list, its change page and the session's TRD inline."""
    links = [(document_url(trd.pk), f"Read v{trd.version}")]
    if trd.version > 1:
        previous = trd.version - 1
        links.append((compare_url(trd.session_id, previous, trd.version), f"compare with v{previous}"))
    return format_html_join(" · ", '<a href="{}">{}</a>', links)


def _source_field(section):
    """A read-only admin field showing `section`'s stored text (see _source)."""

    @admin.display(description=section.title)
    def source(self, obj):
        return _source(getattr(obj, section.field))

    return source


def _section_rows(section):
    """(section, its rows as escaped HTML, whether rows were cut) for the compare template."""
    rows = section.rows() if section.changed else []
    return section, mark_safe(diff_rows_html(rows[:DIFF_ROWS_SHOWN])), len(rows) > DIFF_ROWS_SHOWN  # escaped


def _source(text: str):
    if not text:
        return "—"
    # Preformatted and escaped: YAML and SQL keep their indentation.
    return format_html('<pre class="trd-source">{}</pre>', text)


@admin.register(GeneratedTRDDocument)
class GeneratedTRDDocumentAdmin(ReadOnlyAdminMixin, SessionLinkMixin, ExactIdSearchMixin, BigTableAdmin):
    """TRD versions: each one rendered as a document, its sources, and a compare view."""

    list_display = ("row_id", "version", "quality_score", "session_link", "created", "document_links")
    list_filter = (("created_at", DateRangeFilter),)
    sortable_by = ("row_id", "created")
    search_id_fields = ("pk", "session_id")
    search_help_text = "Search by an exact TRD id or session id (UUID)."
    ordering = ("-created_at", "-id")
    fieldsets = (
        (None, {"fields": ("session_link", "version", "quality_score", "created_at", "document_links")}),
        ("Validation report", {"fields": ("validation_report_view",)}),
        ("Sources, as stored", {"fields": (
            "trd_content_source", "api_specification_source", "database_schema_source",
            "architecture_diagram_source", "tech_stack_document_source",
        )}),
    )
    readonly_fields = (
        "session_link", "version", "quality_score", "created_at", "document_links", "validation_report_view",
        "trd_content_source", "api_specification_source", "database_schema_source",
        "architecture_diagram_source", "tech_stack_document_source",
    )

    class Media(DisplayMediaMixin.Media):  # its own Media would otherwise hide the list styles and copy script
        css = {"all": (*DisplayMediaMixin.Media.css["all"], TRD_CSS)}

    def get_queryset(self, request):
        # The list shows versions only; the change page shows the texts.
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match and (match.url_name or "").endswith("_changelist"):
            return queryset.defer(*TRD_TEXT_FIELDS)
        return queryset

    @admin.display(description="document")
    def document_links(self, obj):
        return version_links(obj)

    @admin.display(description="validation report")
    def validation_report_view(self, obj):
        html = markdown_to_html(validation_markdown(obj.validation_report or {}))
        return format_html('<div class="trd-doc">{}</div>', mark_safe(html))  # sanitised by nh3

    trd_content_source = _source_field(CONTENT)
    api_specification_source, database_schema_source, architecture_diagram_source, tech_stack_document_source = (
        _source_field(section) for section in SECTIONS
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return with_page_policy(super().change_view)(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(with_page_policy(function))

        return [
            path("<uuid:object_id>/document/", view(self.document_view),
                 name="sessions_app_generatedtrddocument_document"),
            # The earlier "Read as Markdown" page: old links land on the rendered document.
            path("<uuid:object_id>/markdown/", self.admin_site.admin_view(self.markdown_redirect),
                 name="sessions_app_generatedtrddocument_markdown"),
            path("compare/", view(self.compare_view), name="sessions_app_generatedtrddocument_compare"),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def markdown_redirect(self, request, object_id):
        return redirect(document_url(object_id), permanent=True)

    def document_view(self, request, object_id):
        """One TRD version rendered: headings, tables, highlighted code and drawn diagrams."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Without the texts: a rendering cached before is all this page needs of them.
        trd = GeneratedTRDDocument.objects.select_related("session").defer(*TRD_TEXT_FIELDS).filter(
            pk=object_id).first()
        if trd is None:
            raise Http404("No TRD version has this id.")
        document = trd_document(trd)
        context = self._context(
            request, f"TRD version {trd.version}", original=trd,
            html=mark_safe(document.html),
            has_diagram=document.has_diagram, mermaid_js=MERMAID_JS, diagrams_js=DIAGRAMS_JS,
            trd_css=TRD_CSS, pygments_css=PYGMENTS_CSS,
            session_link=admin_link(TechSpecSession, trd.session_id),
            change_url=reverse("admin:sessions_app_generatedtrddocument_change", args=[trd.pk]),
            markdown_url=export_url(trd, "md"), html_url=export_url(trd, "html"),
            compare_url=compare_url(trd.session_id, trd.version - 1, trd.version) if trd.version > 1 else None,
        )
        return TemplateResponse(request, "admin/sessions_app/generatedtrddocument/document.html", context)

    def compare_view(self, request):
        """Any two versions of one session, a diff per section (?session=<id>&from=N&to=M)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        session_id = request.GET.get("session", "")
        try:
            session = selectors.session_get(session_id=session_id)
            versions = list(selectors.trd_versions(session=session).values_list("version", flat=True))
        except SessionNotFound as exc:
            raise Http404("No session has this id.") from exc
        context = self._context(
            request, "Compare TRD versions", session_id=session_id, versions=versions,
            session_link=admin_link(TechSpecSession, session_id), trd_css=TRD_CSS,
        )
        chosen, problem = self._chosen_versions(request, versions)
        if problem:
            context["problem"] = problem
            return TemplateResponse(request, "admin/sessions_app/generatedtrddocument/compare.html", context,
                                    status=400)
        if chosen is None:
            return TemplateResponse(request, "admin/sessions_app/generatedtrddocument/compare.html", context)
        old, new = chosen
        try:
            comparison = selectors.trd_compare(session=session, from_version=old, to_version=new)
        except TRDNotFound as exc:
            raise Http404(exc.message) from exc
        except InvalidValue as exc:
            context["problem"] = exc.message
            return TemplateResponse(request, "admin/sessions_app/generatedtrddocument/compare.html", context,
                                    status=400)
        context |= {
            "comparison": comparison, "old": comparison.old, "new": comparison.new,
            "sections": [_section_rows(section) for section in comparison.sections],
            "rows_shown": DIFF_ROWS_SHOWN,
            "api_url": reverse("session-trd-version-compare", args=[session_id]) + f"?from={old}&to={new}",
            "old_document_url": document_url(comparison.old.pk), "new_document_url": document_url(comparison.new.pk),
        }
        return TemplateResponse(request, "admin/sessions_app/generatedtrddocument/compare.html", context)

    @staticmethod
    def _chosen_versions(request: HttpRequest, versions: list[int]) -> tuple[tuple[int, int] | None, str]:
        """(old, new) from the form, or the latest two versions when none was chosen yet; or None and why."""
        raw_old, raw_new = request.GET.get("from"), request.GET.get("to")
        if raw_old is None and raw_new is None:
            if len(versions) < 2:
                return None, ""
            return (versions[1], versions[0]), ""
        numbers = []
        for raw in (raw_old, raw_new):
            # len: int() refuses more than 4300 digits; the version column is a PostgreSQL integer.
            if not (raw and raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= pg_values.INT4[1]):
                return None, "Choose two version numbers from the lists."
            numbers.append(int(raw))
        return (numbers[0], numbers[1]), ""
