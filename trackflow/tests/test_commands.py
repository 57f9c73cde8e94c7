"""Every TrackFlow command answers an argument mistake with one line and exit code 2."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
OURS = ("library", "rules", "spotify_auth", "downloads", "trackflow")
COMMANDS = sorted((name, app) for name, app in get_commands().items() if app in OURS)


@pytest.mark.parametrize(("name", "app"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_a_mistaken_argument_is_one_line(name, app, capsys):
    command = load_command_class(app, name)
    command._called_from_command_line = True  # as run_from_argv() sets it
    parser = command.create_parser("manage.py", name)

    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["--no-such-option"])

    assert exited.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"manage.py {name}: ") and lines[0].endswith(" (see --help)")


def test_from_the_shell_a_bad_value_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    env |= {"TRACKFLOW_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "library_stats", "--user"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr == (
        "manage.py library_stats: argument --user: expected one argument (see --help)\n"
    )
