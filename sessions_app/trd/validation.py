"""A TRD's validation report (a free-form JSON object from the agent) as readable Markdown."""

from __future__ import annotations

import json

from sessions_app.trd.commonmark import escape_inline

_RESULT_KEYS = ("passed", "valid", "ok", "success")
_SCORE_KEYS = ("score", "quality_score")
_NAME_KEYS = ("name", "check", "id", "title", "rule")
_STATUS_KEYS = ("passed", "ok", "success", "status", "result")
_MESSAGE_KEYS = ("message", "detail", "details", "reason", "description")
_PASSED = {"pass", "passed", "ok", "success", "succeeded", "true"}
_FAILED = {"fail", "failed", "error", "failure", "false"}


def _status(value) -> str:
    if isinstance(value, bool):
        return "passed" if value else "failed"
    text = str(value).strip().lower()
    if text in _PASSED:
        return "passed"
    if text in _FAILED:
        return "failed"
    return str(value)


def _first_key(mapping: dict, keys: tuple[str, ...]) -> str | None:
    return next((key for key in keys if key in mapping), None)


def _first(mapping: dict, keys: tuple[str, ...]):
    key = _first_key(mapping, keys)
    return None if key is None else mapping[key]


def _value(value) -> str:
    if isinstance(value, str):
        return escape_inline(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(escape_inline(str(item)) for item in value) or "none"
    return escape_inline(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _check_rows(checks) -> list[tuple[str, str, str]]:
    """(name, status, message) per check, from a list of objects or a name -> result object."""
    rows = []
    if isinstance(checks, list):
        for number, check in enumerate(checks, 1):
            if isinstance(check, dict):
                name = _first(check, _NAME_KEYS)
                status = _first(check, _STATUS_KEYS)
                message = _first(check, _MESSAGE_KEYS)
                rows.append((str(name if name is not None else number), _status(status) if status is not None
                             else "", "" if message is None else str(message)))
            else:
                rows.append((str(number), "", str(check)))
    elif isinstance(checks, dict):
        for name, result in checks.items():
            if isinstance(result, dict):
                status, message = _first(result, _STATUS_KEYS), _first(result, _MESSAGE_KEYS)
                rows.append((name, _status(status) if status is not None else "",
                             "" if message is None else str(message)))
            else:
                rows.append((name, _status(result), ""))
    return rows


def validation_markdown(report: dict) -> str:
    """The report's result and score first, a table of its checks, then every other field."""
    if not report:
        return "No validation report was stored with this version."
    lines, summary = [], []
    result_key, score_key = _first_key(report, _RESULT_KEYS), _first_key(report, _SCORE_KEYS)
    if result_key is not None:
        summary.append(f"**Result:** {escape_inline(_status(report[result_key]))}")
    if score_key is not None:
        summary.append(f"**Score:** {_value(report[score_key])}")
    if summary:
        lines += [" · ".join(summary), ""]

    checks = report.get("checks")
    rows = _check_rows(checks)
    if rows:
        lines += ["| Check | Result | Message |", "| --- | --- | --- |"]
        lines += [f"| {escape_inline(n)} | {escape_inline(s)} | {escape_inline(m)} |" for n, s, m in rows]
        lines.append("")

    shown = {result_key, score_key, "checks" if rows else None}
    others = [(key, value) for key, value in report.items() if key not in shown]
    lines += [f"- **{escape_inline(key)}:** {_value(value)}" for key, value in others]
    return "\n".join(lines).strip()
