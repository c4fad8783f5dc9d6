"""Running git for sync: on readlist's own repository only, never waiting for a password.

Every command names the repository (``GIT_DIR``), so git never looks for one around the current
folder or the data folder: a data folder inside a repository of the user's leaves that repository
alone. Variables that would point git elsewhere are dropped. Nothing may ask on the terminal: no
prompt for a user name or password (``GIT_TERMINAL_PROMPT=0``), ssh in batch mode, standard input
closed. Each command runs in a process group of its own, so that a timeout ends git and what git
started (ssh, a remote helper) together.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from readlist.core.errors import SyncError

NETWORK_TIMEOUT = 120.0  # seconds for one fetch, push or look at a remote
LOCAL_TIMEOUT = 60.0  # seconds for a command on the local repository
SSH_OPTIONS = "-o BatchMode=yes -o ConnectTimeout=20"
# Variables that would make git work on another repository, index or object store.
_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_QUARANTINE_PATH",
    "GIT_PREFIX",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
)
# Settings for every network command: no credential prompt, no stalled transfer.
NETWORK_CONFIG = ("credential.interactive=false", "http.lowSpeedLimit=1000", "http.lowSpeedTime=30")

_AUTH = re.compile(
    r"authentication failed|permission denied|could not read (username|password)|terminal prompts "
    r"disabled|host key verification failed|invalid username or password|\b40[13]\b",
    re.IGNORECASE,
)
_UNREACHABLE = re.compile(
    r"could not resolve|failed to connect|connection (refused|timed out|reset)|network is "
    r"unreachable|no route to host|does not appear to be a git repository|not found|unable to "
    r"access|could not read from remote|operation timed out|timed out",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace").strip()


def detail(stderr: str) -> str:
    """The line of git's complaint worth showing: the first that says what went wrong."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for pattern in (_AUTH, _UNREACHABLE):
        for line in lines:
            if pattern.search(line):
                return _strip_prefix(line)
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return _strip_prefix((fatal or lines or ["git gave no reason"])[0])


def _strip_prefix(line: str) -> str:
    return re.sub(r"^(fatal|error|remote): ", "", line)


def remote_failure(doing: str, remote: str, stderr: str) -> SyncError:
    """One line for a fetch or push that failed: what kind of failure, and git's own words."""
    why = detail(stderr)
    if _AUTH.search(stderr):
        return SyncError(f"sync: authentication failed for {remote} ({why})")
    if _UNREACHABLE.search(stderr):
        return SyncError(f"sync: cannot reach {remote} ({why})")
    return SyncError(f"sync: {doing} {remote} failed ({why})")


def _environment(git_dir: Path, ssh_command: str | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _REDIRECTING
        and not name.startswith("GIT_CONFIG_KEY_")
        and not name.startswith("GIT_CONFIG_VALUE_")
    }
    env.update(
        {
            "GIT_DIR": str(git_dir),
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_SSH_COMMAND": f"{ssh_command or 'ssh'} {SSH_OPTIONS}",
            "SSH_ASKPASS_REQUIRE": "never",
            "LC_ALL": "C",  # git's messages in English, so that they can be told apart
            "LANGUAGE": "C",
        }
    )
    return env


class Git:
    """git on one repository. ``deadline`` (``time.monotonic()``) bounds every command."""

    def __init__(self, git_dir: Path, deadline: float | None = None) -> None:
        exe = shutil.which("git")
        if exe is None:
            raise SyncError("sync: git is not installed (or not on PATH); readlist sync needs it")
        self.exe = exe
        self.git_dir = git_dir
        self.deadline = deadline
        # The user's own ssh command (GIT_SSH_COMMAND, else core.sshCommand) keeps working, in batch mode.
        ssh = os.environ.get("GIT_SSH_COMMAND")
        self.env = _environment(git_dir, ssh)
        if ssh is None:
            configured = self.run("config", "--get", "core.sshCommand", ok=(0, 1)).text
            self.env = _environment(git_dir, configured or None)

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        ok: Sequence[int] = (0,),
        network: bool = False,
        config: Sequence[str] = (),
    ) -> Result:
        """Run ``git ARGS``; a SyncError naming git's complaint when its exit code is not in ``ok``."""
        options = [
            arg for setting in (*config, *(NETWORK_CONFIG if network else ())) for arg in ("-c", setting)
        ]
        limit = NETWORK_TIMEOUT if network else LOCAL_TIMEOUT
        if self.deadline is not None:
            limit = min(limit, self.deadline - time.monotonic())
            if limit <= 0:
                raise SyncError("sync: stopped: it took longer than it was given")
        cwd = self.git_dir if self.git_dir.is_dir() else self.git_dir.parent
        proc = subprocess.Popen(
            [self.exe, *options, *args],
            cwd=cwd,
            env=self.env,
            start_new_session=True,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            out, err = proc.communicate(input, timeout=limit)
        except subprocess.TimeoutExpired:
            _end(proc)
            raise SyncError(f"sync: git {args[0]} did not finish within {limit:.0f} s") from None
        except BaseException:
            _end(proc)
            raise
        result = Result(proc.returncode, out, err.decode("utf-8", "replace"))
        if result.code not in ok:
            raise SyncError(f"sync: git {args[0]} failed ({detail(result.err)})")
        return result


def _end(proc: subprocess.Popen[bytes]) -> None:
    """End git and everything it started."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
