"""The headless core (and the CLI) must never import Textual or Rich, nor touch the disk at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

_SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import readlist.core

    def gui():
        return sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))

    names = ["readlist.core"] + sorted(
        m.name for m in pkgutil.walk_packages(readlist.core.__path__, "readlist.core.")
    ) + ["readlist.cli"]
    culprits = {}
    for name in names:
        importlib.import_module(name)
        if gui() and not culprits:
            culprits[name] = gui()
    print(json.dumps({"modules": names, "gui": gui(), "culprits": culprits}))
    """
)

EXPECTED_CORE = {
    "readlist.core.digest",
    "readlist.core.errors",
    "readlist.core.hub",
    "readlist.core.export",
    "readlist.core.fetch",
    "readlist.core.importer",
    "readlist.core.library",
    "readlist.core.links",
    "readlist.core.model",
    "readlist.core.paths",
    "readlist.core.resolve",
    "readlist.core.search",
    "readlist.core.state",
    "readlist.core.sync.merge",
    "readlist.core.sync.run",
    "readlist.core.storage",
    "readlist.core.text",
    "readlist.core.views",
}


def test_core_and_cli_do_not_import_textual_or_rich(tmp_path: Path) -> None:
    data = tmp_path / "never-created"
    env = {
        **os.environ,
        "READLIST_DATA_DIR": str(data),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["modules"]) >= EXPECTED_CORE  # the walk really found the modules
    assert report["culprits"] == {}
    assert report["gui"] == []
    # no side effects at import: nothing created in the data dir or the home folder
    assert not data.exists()
    assert not (tmp_path / "home").exists()
    assert not (tmp_path / "xdg").exists()
