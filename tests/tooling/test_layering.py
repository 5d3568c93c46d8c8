"""Imports point down the layers (docs: ../README.md "Layout"): the domain never imports tooling,
the project package never imports an app's API layer, and design_bridge never imports sessions_app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(package: str, forbidden: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            if module == forbidden or module.startswith(forbidden + "."):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("package", ["sessions_app", "design_bridge", "techspec_project"])
def test_the_domain_never_imports_tooling(package):
    assert offenders(package, "tooling") == []


def test_the_project_package_never_imports_the_api_layer():
    # The error envelope lives in techspec_project.errors; /health is routed by include("...").
    assert offenders("techspec_project", "sessions_app.api") == []


def test_design_bridge_never_imports_sessions_app():
    # sessions_app builds on design_bridge; shared admin pieces live in techspec_project.
    assert offenders("design_bridge", "sessions_app") == []


def test_the_check_sees_every_import_form(tmp_path, monkeypatch):
    # The rule above would also pass if it read nothing; this shows it reads each import form.
    package = tmp_path / "somepkg"
    package.mkdir()
    (package / "a.py").write_text("import tooling.seeding\n")
    (package / "b.py").write_text("from tooling.benchmarks import gate\n")
    (package / "c.py").write_text("def f():\n    from tooling import x\n")
    (package / "d.py").write_text("import toolingish\nfrom .tooling import y\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert offenders("somepkg", "tooling") == [
        "somepkg/a.py imports tooling.seeding",
        "somepkg/b.py imports tooling.benchmarks",
        "somepkg/c.py imports tooling",
    ]
