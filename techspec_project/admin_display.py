"""How every admin list shows ids, states and dates: one look on every page.

Neutral on purpose: both sessions_app and design_bridge admins use it, and
design_bridge must not import sessions_app (README "Layout"; tests/tooling/test_layering.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Characters of an id a list shows. UUIDv7 ids made in the same millisecond share their
# first 8+ characters (every seeded row starts 019b6211), so lists show the random tail.
ID_TAIL = 8
# The one date format of the admin (also FORMAT_MODULE_PATH's DATETIME_FORMAT).
DATE_FORMAT = "%Y-%m-%d %H:%M"
FULL_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %Z"
# Younger than this, a date reads as "5 min ago"; older, as the date itself.
RELATIVE_WITHIN_SECONDS = 7 * 24 * 3600



class DisplayMediaMixin:
    """Adds the list styles and the copy button's script (static files: no inline script, CSP) to an admin.

    A `Media` class, not a `media` attribute: ModelAdmin's metaclass adds it to the
    admin's own media (jQuery, actions.js) instead of replacing them.
    """

    class Media:
        # Admins that declare their own Media extend these (css["all"], js): any number of files.
        css: ClassVar[dict[str, tuple[str, ...]]] = {"all": ("techspec/admin/lists.css",)}
        js: ClassVar[tuple[str, ...]] = ("techspec/admin/copy-id.js",)


# What a list shows for a missing value.
NOTHING = mark_safe('<span class="ts-muted">—</span>')

# Two overlapping sheets, drawn inline so no icon font or image request is needed.
COPY_ICON = mark_safe(
    '<svg viewBox="0 0 16 16" width="11" height="11" aria-hidden="true" focusable="false">'
    '<rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.6"/>'
    '<path d="M11 3.5V3a1.5 1.5 0 0 0-1.5-1.5h-6A1.5 1.5 0 0 0 2 3v6a1.5 1.5 0 0 0 1.5 1.5H4" fill="none" '
    'stroke="currentColor" stroke-width="1.6"/></svg>'
)


def short_id(value: object, *, url: str | None = None) -> SafeString:
    """The distinguishing tail of an id, monospaced, the full id on hover and a copy button."""
    if value is None:
        return NOTHING
    full = str(value)
    tail = "…" + full[-ID_TAIL:] if len(full) > ID_TAIL else full
    text = format_html('<a href="{}" class="ts-id-text">{}</a>', url, tail) if url else format_html(
        '<span class="ts-id-text">{}</span>', tail
    )
    return format_html(
        '<span class="ts-id" title="{}">{}<button type="button" class="ts-copy" data-copy="{}" '
        'aria-label="Copy id {}" title="Copy {}">{}</button></span>',
        full, text, full, full, full, COPY_ICON,
    )


def badge(value: str, label: str, colours: dict[str, str], *, title: str = "") -> SafeString:
    """A coloured pill for a status or stage: one colour per value, the same on every page (admin_palette.py)."""
    if not value:
        return NOTHING
    colour = colours.get(value, "#4b5563")
    return format_html(
        '<span class="ts-badge" data-value="{}" title="{}" style="background-color:{}">{}</span>',
        value, title or label, colour, label,
    )


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """A relative time with its largest unit only ("just now", "4 min ago", "3 days ago", "in 2 h"), or a dash."""
    if moment is None:
        return "—"
    seconds = ((now or timezone.now()) - moment).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 10:
        return "just now"
    for limit, size, unit in ((60, 1, "s"), (3600, 60, "min"), (86400, 3600, "h"), (86400 * 60, 86400, "day"),
                              (86400 * 730, 86400 * 30.44, "month")):
        if seconds < limit:
            n = int(seconds // size)
            text = f"{n} {unit}{'s' if n != 1 and unit in ('day', 'month') else ''}"
            break
    else:
        text = f"{seconds / (86400 * 365.25):.1f} years"
    return f"in {text}" if future else f"{text} ago"


def when(moment: datetime | None) -> str:
    """A timestamp as staff read it: local time to the second, or a dash."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def excerpt(text: str, length: int = 80) -> str:
    """`text` on one line, cut with an ellipsis past `length` characters."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def date_text(moment: datetime | None) -> str:
    """The one written form of a date: local time to the minute."""
    return timezone.localtime(moment).strftime(DATE_FORMAT) if moment else "—"


def date_html(moment: datetime | None, *, relative: bool = False, now: datetime | None = None) -> SafeString:
    """A <time> in the one date format; `relative` shows "3 h ago" for the last week (the date on hover)."""
    if moment is None:
        return NOTHING
    now = now or timezone.now()
    local = timezone.localtime(moment)
    absolute = local.strftime(DATE_FORMAT)
    full = local.strftime(FULL_DATE_FORMAT)
    age = abs((now - moment).total_seconds())
    if relative and age < RELATIVE_WITHIN_SECONDS:
        return format_html('<time class="ts-date" datetime="{}" title="{}">{}</time>',
                           moment.isoformat(), full, ago(moment, now))
    return format_html('<time class="ts-date" datetime="{}" title="{} ({})">{}</time>',
                       moment.isoformat(), full, ago(moment, now), absolute)
