"""Run Python in a fresh process of the project (settings read from the environment anew)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_process(script: str, *, env: dict | None = None, unset=()) -> str:
    """The last line `script` prints, run by a new interpreter in the project's folder with
    `DJANGO_SETTINGS_MODULE` set, the test's environment plus `env`, less `unset`."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **(env or {})}
    for name in unset:
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]
