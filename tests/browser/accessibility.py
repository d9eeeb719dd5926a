"""Accessibility checks with axe-core (from npm) inside the real browser."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page):
    """Fail with the rule ids and targets when axe finds WCAG 2.2 A/AA violations."""
    # Evaluated through the DevTools protocol, not as a <script> tag: the pages' Content-Security-
    # Policy refuses inline scripts, and the browser tests run under it.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    assert not problems, "Accessibility problems:\n" + "\n".join(problems)
