"""The parts of a TRD version and how each one is written in Markdown."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One text field of a TRD version."""

    field: str
    title: str
    # The fence's info string; "" for a section that is Markdown itself.
    language: str = ""

    def language_of(self, text: str) -> str:
        if self.field == "api_specification" and _is_json(text):
            return "json"
        return self.language


def _is_json(text: str) -> bool:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


CONTENT = Section("trd_content", "TRD content")
SECTIONS = (
    Section("api_specification", "API specification", "yaml"),
    Section("database_schema", "Database schema", "sql"),
    Section("architecture_diagram", "Architecture diagram", "mermaid"),
    Section("tech_stack_document", "Technology stack"),
)
