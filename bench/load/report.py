"""Markdown before/after tables from two saved load runs (var/bench-load/results-*.json), or
the tables of one run when given one file.

    .venv/bin/python bench/load/report.py var/bench-load/results-before.json \\
        var/bench-load/results-after.json
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu import GROUPS  # noqa: E402
from run import JOURNEYS  # noqa: E402


def runs_by_key(path):
    data = json.loads(Path(path).read_text())
    return {(r["journey"], r["users"]): r for r in data["runs"]}


def cell(run, page, field):
    if run is None:
        return "–"
    for row in run["pages"]:
        if row["page"] == page:
            return f"{row[field]:,.0f}" if row[field] >= 100 else f"{row[field]:.1f}"
    return "–"


def main():
    files = sys.argv[1:]
    if len(files) not in (1, 2):
        raise SystemExit(__doc__)
    before = runs_by_key(files[0]) if len(files) == 2 else {}
    after = runs_by_key(files[-1])
    users = sorted({u for _j, u in before} | {u for _j, u in after})
    for journey, title in JOURNEYS.items():
        runs = [
            (label, u, src.get((journey, u)))
            for label, src in (("before", before), ("after", after))
            for u in users
        ]
        runs = [(label, u, r) for label, u, r in runs if r is not None]
        if not runs:
            continue
        print(f"\n**({journey}) {title}** — p50 / p95 ms\n")
        head = " | ".join(
            f"{label} {u}" if before else f"{u} user{'s' if u > 1 else ''}"
            for label, u, _r in runs
        )
        print(f"| page | {head} |")
        print("| --- |" + " ---: |" * len(runs))
        pages = []
        for _label, _u, r in runs:
            for row in r["pages"]:
                if row["page"] not in pages:
                    pages.append(row["page"])
        for page in pages:
            cells = " | ".join(
                f"{cell(r, page, 'p50')} / {cell(r, page, 'p95')}" for _l, _u, r in runs
            )
            print(f"| {page} | {cells} |")
        print(
            "| **requests/s** | " + " | ".join(f"**{r['rps']:.1f}**" for _l, _u, r in runs) + " |"
        )
        print(
            "| errors (time-outs) | "
            + " | ".join(f"{r['errors']} ({r['unfinished']})" for _l, _u, r in runs)
            + " |"
        )
        print(
            "| load average (1 min, before → after) | "
            + " | ".join(
                f"{r['load_before'].split()[0]} → {r['load_after'].split()[0]}"
                for _l, _u, r in runs
            )
            + " |"
        )
        for group in GROUPS:
            print(
                f"| CPU: {group} (cores) | "
                + " | ".join(f"{r['cpu'][group]:.2f}" for _l, _u, r in runs)
                + " |"
            )


if __name__ == "__main__":
    main()
