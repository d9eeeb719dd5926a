"""The README tells a newcomer what they need to try the demo, and it is true."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_says_how_to_pass_verification_serve_elsewhere_and_find_messages():
    assert "make run PORT=8012" in README
    assert "Passing phone verification" in README
    assert "`CT00012345` → `345.00`" in README
    assert "every message is printed in the terminal running" in README


def test_readme_verification_recipe_matches_the_demo_answers():
    from verification.demo import _demo_answers

    council_tax = _demo_answers("council_tax", "CT00012345", None, "HD1 2AB")
    assert council_tax["last_payment"] == "345.00"
    benefits = _demo_answers("benefits", "BN00123456", None, "")
    assert benefits["ni_number"] == "QQ123456C"
    assert "`QQ123456C`" in README
    rent = _demo_answers("housing_rent", "HR00001234", None, "")
    assert rent["weekly_rent"] == "94.00"
    assert "`94.00`" in README


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_port_given():
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8123" in out
