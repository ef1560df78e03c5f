"""The README's first walk and its task walk, extracted from the README itself and run as written, in order,
in a folder laid out like a fresh clone, while `planflow serve` runs on the same home (so each command also
shows that it finds the running service)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.notifications.conftest import free_port
from tests.paths import ROOT
from tests.processes import planflow_process

WALKS = ("## A first walk", "## Walking one task through its life")


def readme_commands() -> list[str]:
    """Every command of the README's walks, continuation lines joined, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands: list[str] = []
    for heading in WALKS:
        section = text[text.index(heading) :]
        block = re.search(r"```bash\n(.*?)```", section, re.S)
        assert block is not None, heading
        joined = block.group(1).replace("\\\n", " ")
        for line in joined.splitlines():
            command = re.sub(r"\s{2,}#.*$", "", line).strip()
            if command:
                commands.append(command)
    return commands


def _serving(home: Path) -> bool:
    record = home / "service.json"
    if not record.exists():
        return False
    return httpx.get(json.loads(record.read_text())["prefect_api_url"] + "/health", timeout=2).status_code == 200


@pytest.mark.prefect
def test_every_readme_walk_command_runs_as_written(tmp_path: Path) -> None:
    subprocess.run([str(ROOT / "scripts" / "bootstrap.sh")], check=True, capture_output=True)  # install is current
    clone = tmp_path / "clone"  # the checkout's files, but the walk's own output folder
    clone.mkdir()
    for part in ROOT.iterdir():
        if part.name not in (".git", "out", "test-artifacts"):
            (clone / part.name).symlink_to(part)
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "PLANFLOW_"))}
    env.update(
        PLANFLOW_HOME=str(home),
        PLANFLOW_PORTAL_PORT=str(free_port()),  # as `serve` runs by default: the steps go through it
        PREFECT_SERVER_API_PORT=str(free_port()),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    commands = readme_commands()
    assert len(commands) >= 15
    prelude = ""  # the walk's shell variables (P=".venv/bin/planflow") for the commands after them
    with planflow_process(["serve"], env, lambda: _serving(home)):
        for command in commands:
            if re.fullmatch(r"\w+=\S+", command):
                prelude += command + "; "
                continue
            done = subprocess.run(["bash", "-c", prelude + command], cwd=clone, env=env, capture_output=True, text=True)
            expected = 1 if " plan lint " in f" {command} " else 0  # a lint with findings exits 1
            assert done.returncode == expected, f"{command}\n{done.stdout[-800:]}\n{done.stderr[-800:]}"
            assert "Traceback" not in done.stderr
    assert (clone / "out" / "vinh-tuy.xlsx").is_file()
