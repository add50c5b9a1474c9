"""The code is lint-clean under the project's own rules ([tool.ruff] in pyproject.toml).

ruff comes with the development lock (requirements/dev.in). Its rules are few
and each finds a real mistake: unused and undefined names (F), syntax errors
(E9), imports below code (E402), bugbear's likely bugs (B), import order (I),
and a `# noqa` that no rule reads (RUF100).
"""

import subprocess
import sys

from conftest import ROOT


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing_in_the_project():
    found = ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert found.returncode == 0, found.stdout + found.stderr


def test_ruff_reads_the_projects_rules(tmp_path):
    unused = tmp_path / "unused.py"
    unused.write_text("import os\nimport sys  # noqa: S310\n")
    found = ruff("check", "--no-cache", "--config", "pyproject.toml", "--output-format", "concise", str(unused))
    assert "F401" in found.stdout and "RUF100" in found.stdout, found.stdout + found.stderr
