"""The one-way house: every app imports only apps on a lower line of the layer list in
docs/architecture.md (the "```layers" block), so no import goes up or forms a loop."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
SKIPPED_DIRS = {"migrations", "tests", "__pycache__", "templates", "static"}


def layers_from_architecture(text: str) -> dict[str, int]:
    """{app: line number in the layers block}, lowest layer first (0)."""
    match = re.search(r"^```layers\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "docs/architecture.md has no ```layers block"
    level = {}
    lines = [line for line in match.group(1).splitlines() if line.strip()]
    for depth, line in enumerate(lines):
        for app in line.split():
            assert app not in level, f"{app} is listed twice in the layers block"
            level[app] = depth
    return level


def project_apps(root: Path) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/apps.py"))


def imported_apps(root: Path, app: str, apps: set[str]):
    """(other app, file, line) for every import of another project app inside `app`."""
    for path in sorted((root / app).rglob("*.py")):
        if SKIPPED_DIRS & set(path.relative_to(root).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in apps and top != app:
                    yield top, path.relative_to(root), node.lineno


def upward_imports(root: Path, level: dict[str, int], apps: list[str]) -> list[str]:
    wrong = []
    for app in apps:
        for other, path, line in imported_apps(root, app, set(apps)):
            if level[other] >= level[app]:
                where = "on the same line as" if level[other] == level[app] else "above"
                wrong.append(f"{path}:{line}: {app} imports {other}, {where} it")
    return wrong


def test_every_app_is_placed_in_the_layers():
    level = layers_from_architecture(ARCHITECTURE.read_text(encoding="utf-8"))
    apps = project_apps(ROOT)
    missing = sorted(set(apps) - set(level))
    assert not missing, f"Add {missing} to the layers block in docs/architecture.md"
    gone = sorted(set(level) - set(apps))
    assert not gone, f"The layers block lists apps that do not exist: {gone}"


def test_no_app_imports_an_app_on_its_own_layer_or_above():
    level = layers_from_architecture(ARCHITECTURE.read_text(encoding="utf-8"))
    apps = [a for a in project_apps(ROOT) if a in level]
    wrong = upward_imports(ROOT, level, apps)
    assert not wrong, "Imports against the layers:\n" + "\n".join(wrong)


def test_the_check_catches_an_upward_import_and_a_sibling_import(tmp_path):
    """The checker itself: a low app importing a higher one, or a sibling, is reported."""
    for app, source in {
        "low": "from high.models import Thing\n",
        "high": "import low.models\n",
        "left": "from right import views\n",
        "right": "",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "apps.py").write_text("")
        (tmp_path / app / "views.py").write_text(source)
    level = layers_from_architecture("```layers\nlow\nhigh\nleft right\n```\n")
    wrong = upward_imports(tmp_path, level, project_apps(tmp_path))
    assert wrong == [
        "left/views.py:1: left imports right, on the same line as it",
        "low/views.py:1: low imports high, above it",
    ]
