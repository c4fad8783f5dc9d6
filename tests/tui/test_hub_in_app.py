"""The Hub in the app: F fetches today's papers in the background, papers that come in from
outside show without a restart, the Hub's fields show in the row and the detail pane, O picks
any link, and S sorts by upvotes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from readlist.core.digest import parse_text
from readlist.core.fetch import utc_today
from readlist.core.hub import HubClient, Retries, Timeouts
from readlist.core.json_input import day_label
from readlist.core.library import Library
from readlist.tui.app import ReadlistApp, make_app
from readlist.tui.screens.links import LinkScreen
from tests.helpers.fake_hub import FakeClock, FakeHub, Reply, entry
from tests.helpers.pilot import SIZE, detail_text, notices, row_text, static_text, wait_for
from tests.tui.conftest import DIGEST, Clipboard

SPLATS = "3D Gaussian Splatting for Real-Time Radiance Field Rendering"


def quick_hub() -> HubClient:
    return HubClient.from_env(
        clock=FakeClock(), retries=Retries(attempts=2), timeouts=Timeouts(connect=2.0, read=0.5)
    )


def notes(app: ReadlistApp) -> str:
    return "\n".join(notices(app))


def today_entries(**extra: Any) -> list[dict[str, Any]]:
    """Today's Daily Papers: one paper the library has from a saved page, and one it has not."""
    day = utc_today().isoformat()
    return [
        entry(
            SPLATS,
            "2308.04079",
            day,
            upvotes=120,
            comments=7,
            githubRepo="https://github.com/example/splats",
            githubStars=4200,
            projectPage="https://example.org/splats",
            ai_summary="Gaussians rendered in real time.",
            ai_keywords=["gaussian splatting", "rendering"],
            **extra,
        ),
        entry("Reward Models That Read Twice", "2412.00001", day, upvotes=3),
    ]


async def test_f_fetches_today_and_the_new_papers_show_without_a_restart(
    library: Library, fake_hub: FakeHub, clipboard: Clipboard
) -> None:
    fake_hub.entries = today_entries()
    app = make_app(library, copy=clipboard, save_delay=0.0, hub=quick_hub)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = app.main.paper_list.current.id
        await pilot.press("s")  # a star given before the fetch is kept
        await pilot.press("F")
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 5, limit=60)
        # The papers may come in by the clock's poll just before the fetch's own report.
        await wait_for(pilot, lambda: "Fetched from the Hub: 1 new, 1 already known" in notes(app))
        fetched = next(n for n in notices(app) if n.startswith("Fetched from the Hub"))
        assert fetched == "Fetched from the Hub: 1 new, 1 already known, 1 updated.", fetched
        assert library.state_of(pid).starred
        titles = [app.library.papers[i].title for i in app.main.paper_list.rows]
        assert "Reward Models That Read Twice" in titles
        assert app.library.get(pid).arxiv_id == "2308.04079"
        await pilot.press("slash", *"read twice", "enter")  # the new paper is searchable
        await wait_for(pilot, lambda: row_text(app, 0).find("Reward Models") >= 0, limit=60)
    assert day_label(utc_today().isoformat()) in library.digests


async def test_a_failed_fetch_is_one_line_and_the_app_goes_on(
    library: Library, fake_hub: FakeHub, clipboard: Clipboard, isolated_data: Path
) -> None:
    fake_hub.faults[utc_today().isoformat()] = Reply(401, {"error": "Invalid credentials"})
    before = (isolated_data / "library.json").read_bytes()
    app = make_app(library, copy=clipboard, save_delay=0.0, hub=quick_hub)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await wait_for(pilot, lambda: "fetch failed" in notes(app), limit=60)
        failure = next(n for n in notices(app) if "fetch failed" in n)
        assert "\n" not in failure and "401" in failure and fake_hub.url in failure
        assert app.activity is None and "fetching" not in static_text(app, "#status")
        await pilot.press("j")  # still answering
        assert app.main.paper_list.cursor == 1
    assert (isolated_data / "library.json").read_bytes() == before


async def test_papers_imported_by_another_process_show_up(app: ReadlistApp, isolated_data: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        kept = app.main.paper_list.current.id
        other = Library(isolated_data)  # another readlist, as `readlist import` would be
        other.import_digests(
            [
                parse_text(
                    "Mar 15\n\nA Paper From Elsewhere\n\nIt arrived while the app ran.\n", "elsewhere.txt"
                )
            ]
        )
        other.close()
        await wait_for(pilot, lambda: len(app.main.paper_list.rows) == 5, limit=30)
        assert app.main.paper_list.current.id == kept  # the reader's place is kept
        assert "1 new paper came in" in notes(app)
        assert "A Paper From Elsewhere" in row_text(app, 0)  # the newest digest comes first


async def test_the_hubs_fields_show_in_the_row_and_the_detail_pane(
    isolated_data: Path, clipboard: Clipboard, fake_hub: FakeHub
) -> None:
    fake_hub.entries = today_entries()
    library = Library(isolated_data)
    library.import_digests([parse_text(DIGEST, "test.txt")])
    app = make_app(library, copy=clipboard, save_delay=0.0, hub=quick_hub)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await wait_for(pilot, lambda: library.get(library.papers.ids[0]).upvotes == 120, limit=60)
        await pilot.press("slash", *"title:gaussian", "enter")
        await wait_for(pilot, lambda: app.main.shown.text == "title:gaussian", limit=60)
        assert detail_text(app, "title") == SPLATS
        assert "▲120 💬7" in row_text(app, 0)
        hub = detail_text(app, "hub")
        assert "Code https://github.com/example/splats  ★ 4,200" in hub
        assert "Project https://example.org/splats" in hub
        assert "The Hub's AI summary: Gaussians rendered in real time." in hub
        sections = [s.name for s in app.main.detail.sections]
        # The note right under the header, the Hub's words above the abstract.
        assert sections == ["title", "facts", "note", "hub", "abstract", "links"]
        assert "▲ 120 upvotes · 7 comments" in detail_text(app, "facts")
    library.close()


async def test_o_picks_any_link_to_open_or_copy(library: Library, clipboard: Clipboard) -> None:
    opened: list[str] = []
    app = make_app(library, copy=clipboard, save_delay=0.0, browser=lambda url: opened.append(url) or True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper = app.main.paper_list.current
        await pilot.press("O")
        assert isinstance(app.screen, LinkScreen)
        labels = [link.label for link in app.screen.links]
        assert (
            labels[:3] == ["Hub page", "arXiv abstract", "arXiv PDF"] and "Code" in labels
        )  # its abstract's
        await pilot.press("j", "y")  # the arXiv abstract, copied
        assert clipboard.copied[-1] == "https://arxiv.org/abs/2308.04079"
        await pilot.press("O", "j", "j", "enter")  # the PDF, opened
        await wait_for(pilot, lambda: opened == ["https://arxiv.org/pdf/2308.04079"])
        assert paper.url == "https://huggingface.co/papers/2308.04079"


async def test_s_cycles_to_most_upvoted(isolated_data: Path, clipboard: Clipboard) -> None:
    library = Library(isolated_data)
    library.import_digests(
        [
            parse_text(
                "Mar 14\n\nFew Votes\n\nA.\n  • 2 authors\n·\nMar 1, 2024 2\n\n"
                "Many Votes\n\nB.\n  • 2 authors\n·\nMar 1, 2024 90\n",
                "votes.txt",
            )
        ]
    )
    app = make_app(library, copy=clipboard, save_delay=0.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Few Votes" in row_text(app, 0)
        for _ in range(4):
            await pilot.press("S")
        await wait_for(pilot, lambda: "sort: most upvoted" in static_text(app, "#status"))
        await wait_for(pilot, lambda: "Many Votes" in row_text(app, 0))
    library.close()
