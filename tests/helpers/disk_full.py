"""A disk that is full for chosen files: replacing them fails with ENOSPC, as a save on a full disk does.

Every readlist save ends in ``os.replace`` of a finished temporary file over the target, so failing
that step shows what a failed save leaves behind. Tests take the ``disk_full`` fixture
(tests/conftest.py), which makes room again when the test is over.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest


class DiskFull:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, *targets: Path) -> None:
        self.targets = {target.resolve() for target in targets}
        self.refused: list[Path] = []  # every replace that failed, in order
        real_replace = os.replace

        def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kwargs: object) -> None:
            if Path(dst).resolve() in self.targets:
                self.refused.append(Path(dst))
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a failed write() says it
            real_replace(src, dst, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "replace", replace)

    def fill(self, *targets: Path) -> None:
        self.targets.update(target.resolve() for target in targets)

    def free(self) -> None:
        self.targets.clear()
