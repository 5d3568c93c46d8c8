"""A TRD written to attack whoever renders it, and a parser that lists what HTML came out."""

from __future__ import annotations

from html.parser import HTMLParser

HOSTILE = {
    "trd_content": (
        "# Hostile TRD\n\n"
        "<script>window.__trd_xss = 'script'</script>\n\n"
        '<img src="x" onerror="window.__trd_xss = \'img\'">\n\n'
        "[markdown link](javascript:window.__trd_xss='md-link')\n\n"
        '<a href="javascript:window.__trd_xss=\'a\'" onclick="window.__trd_xss=\'click\'">raw link</a>\n\n'
        '<div onmouseover="window.__trd_xss=\'hover\'" style="position:fixed;inset:0">overlay</div>\n\n'
        "<iframe src=\"javascript:window.__trd_xss='frame'\"></iframe>\n\n"
        "[ref link][evil]\n\n[evil]: javascript:window.__trd_xss='ref'\n"
    ),
    "tech_stack_document": "| a | b |\n| --- | --- |\n| <svg onload=\"window.__trd_xss='svg'\"></svg> | x |\n",
    "validation_report": {"passed": False, "checks": [{"name": "<script>window.__trd_xss='report'</script>",
                                                       "passed": False, "message": "<b onclick=x>m</b>"}]},
}


class Collected(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def attributes(self) -> list[tuple[str, str, str]]:
        return [(tag, name, value or "") for tag, attrs in self.tags for name, value in attrs.items()]


def assert_nothing_hostile_survives(html: str, *, allowed_scripts: tuple[str, ...] = ()) -> None:
    found = Collected(html)
    scripts = [attrs.get("src", "") for tag, attrs in found.tags if tag == "script"]
    assert all(src in allowed_scripts for src in scripts), scripts
    assert not {"iframe", "img", "svg", "object", "embed"} & found.names()
    for tag, name, value in found.attributes():
        assert not name.startswith("on"), (tag, name, value)
        assert not value.strip().lower().startswith("javascript:"), (tag, name, value)
        if name == "style":
            assert tag in ("th", "td", "link") or value == "", (tag, value)
