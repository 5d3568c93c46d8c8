"""A TRD version as one readable Markdown document (API download, admin view)."""

from __future__ import annotations

from sessions_app.models import GeneratedTRDDocument

SECTIONS = (
    ("api_specification", "API specification"),
    ("database_schema", "Database schema"),
    ("architecture_diagram", "Architecture diagram"),
    ("tech_stack_document", "Technology stack"),
)


def trd_as_markdown(trd: GeneratedTRDDocument) -> str:
    parts = [trd.trd_content.rstrip()]
    for field, title in SECTIONS:
        body = getattr(trd, field).strip()
        if body:
            parts.append(f"## {title}\n\n{body}")
    footer = f"_TRD version {trd.version} of session {trd.session_id}"
    if trd.quality_score is not None:
        footer += f", quality score {trd.quality_score}"
    parts.append(footer + "._")
    return "\n\n".join(parts) + "\n"


def trd_filename(trd: GeneratedTRDDocument) -> str:
    return f"trd-{trd.session_id}-v{trd.version}.md"
