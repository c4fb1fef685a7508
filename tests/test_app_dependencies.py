"""The project's apps depend on each other in one direction, as README's "What is where"
sets out: each app imports only apps below it, so none imports an app that imports it back.

Every import in every .py file of an app counts, at module level or inside a function.
"""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# Bottom to top: an app may import the apps before it in this list, never those after it.
LAYERS = [
    "sitewide",
    "editorial",
    "reviews",
    "documents",
    "procedures",
    "learning",
    "pages",
    "search",
    "feedback",
    "alerts",
    "linkhealth",
    "partnership_site",
]


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def imports_between_apps():
    """(file, importing app, imported app) for every import of one app's code by another."""
    for app in LAYERS:
        for path in sorted((PROJECT / app).rglob("*.py")):
            source = path.relative_to(PROJECT).as_posix()
            for module in imported_modules(ast.parse(path.read_text(), source)):
                imported = module.split(".")[0]
                if imported in LAYERS and imported != app:
                    yield source, app, imported


def test_every_app_is_in_the_order():
    apps = {path.parent.name for path in PROJECT.glob("*/apps.py")}
    assert apps <= set(LAYERS)


def test_no_two_apps_import_each_other():
    edges = {(app, imported) for source, app, imported in imports_between_apps()}
    assert sorted(edge for edge in edges if edge[::-1] in edges) == []


def test_apps_import_only_apps_below_them():
    upward = [
        f"{source} imports {imported}"
        for source, app, imported in imports_between_apps()
        if LAYERS.index(imported) > LAYERS.index(app)
    ]
    assert upward == []
