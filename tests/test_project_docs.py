"""The project's own promises: README commands, CI script, documented settings."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sammanhang"


def test_readme_names_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)
    assert blocks[:2] == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec make test$", ci, flags=re.M)


def test_every_environment_variable_is_in_env_example():
    read = set()
    for module in ["settings.py", "config.py"]:
        source = (PACKAGE / module).read_text(encoding="utf-8")
        read |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.M))
    assert "DATABASE_URL" in read
    assert read - listed == set()
    for name in listed:
        # one line of explanation above each variable
        assert re.search(rf"^# .+\n{name}=", example, flags=re.M), name


def test_architecture_doc_covers_every_app():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    apps = [p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()]
    assert apps
    for app in apps:
        assert app in text, app
