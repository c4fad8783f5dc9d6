"""The query language, sorting and tags through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.conftest import JUL28, JUL29, JUL29_PAGE
from tests.test_cli import WEEK1, WEEK2, run, titles

ADAPTIVE = "Adaptive Step Sizes for Diffusion Samplers"
SATELLITE = "Contrastive Pretraining on Satellite Image Time Series"
LOSSLESS = "Lossless Compression of Model Checkpoints"


@pytest.fixture(autouse=True)
def library(capsys: pytest.CaptureFixture[str], isolated_data: Path) -> None:
    assert run(capsys, "import", str(WEEK1), str(WEEK2))[0] == 0


def test_operators_in_query(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "mark", "2410.01234", "--star", "--tags", "sampling, ODE")
    assert titles(capsys, "--query", "is:starred") == [ADAPTIVE]
    assert titles(capsys, "--query", "tag:ode") == [ADAPTIVE]
    assert titles(capsys, "--query", "sampling") == [ADAPTIVE]  # plain words find tags too
    assert titles(capsys, "--query", '"seasons of the same location"') == [SATELLITE]
    assert SATELLITE not in titles(capsys, "--query=-satellite")  # a leading - needs the = form
    assert titles(capsys, "--query", "title:lossless") == [LOSSLESS]
    assert titles(capsys, "--query", "digest:feb10 title:compression") == [LOSSLESS]


def test_one_digest_in_its_own_page_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name, text in (("jul28.txt", JUL28), ("jul29.txt", JUL29)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert run(capsys, "import", str(tmp_path / "jul28.txt"), str(tmp_path / "jul29.txt"))[0] == 0
    assert titles(capsys, "--query", 'digest:"Jul 29"') == JUL29_PAGE


def test_unknown_operator_is_a_hint_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--query", "colour:red lossless")
    assert code == 0 and LOSSLESS in out
    assert err.startswith("readlist: unknown operator colour:") and err.count("\n") == 1


def test_sort_option(capsys: pytest.CaptureFixture[str]) -> None:
    by_title = titles(capsys, "--sort", "title")
    assert by_title == sorted(by_title, key=str.casefold)
    run(capsys, "mark", "2403.04567", "--star")
    assert titles(capsys, "--sort", "starred")[0] == LOSSLESS
    assert titles(capsys, "--sort", "published")[0] == ADAPTIVE  # Oct 8, 2024: the newest date given
    code, _, err = run(capsys, "list", "--sort", "random")
    assert code == 2 and "invalid choice" in err


def test_mark_tags_and_list_shows_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "mark", "2403.04567", "--tags", "#Compression storage")
    assert code == 0 and "#compression, #storage" in out
    code, out, _ = run(capsys, "list", "--query", "tag:storage")
    assert out.rstrip().endswith("#compression  #storage")
    run(capsys, "mark", "2403.04567", "--tags", "")
    assert titles(capsys, "--query", "has:tags") == []
