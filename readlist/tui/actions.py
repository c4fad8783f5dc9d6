"""The one registry of user actions: it feeds key bindings, the key bar, the help
screen and the command palette, so they can never disagree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from readlist.core.query import HAS_VALUES
from readlist.core.views import Sort, View


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    keys: str
    label: str
    help: str
    footer: bool = True
    palette: bool = True
    key_display: str | None = None
    priority: bool = False
    needs_paper: bool = False  # does nothing (and shows dimmed) while no paper is under the cursor

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.name,
            self.label,
            show=self.footer,
            id=self.name,
            key_display=self.key_display,
            priority=self.priority,
        )

    @property
    def shown_keys(self) -> str:
        return self.key_display or " ".join(k.strip() for k in self.keys.split(","))


ACTIONS: tuple[Action, ...] = (
    Action(
        "focus_filter",
        "slash",
        "Filter",
        "Type to filter: fuzzy over title, abstract, note and tags; Enter returns to the list",
        key_display="/",
        priority=True,
    ),
    Action(
        "clear_filter",
        "escape",
        "Clear",
        'Step back: let the picked papers go, leave "more like this", clear the filter, then the digest',
        footer=False,
        key_display="Esc",
    ),
    Action("toggle_read", "r", "Read", "Mark the paper read / unread", needs_paper=True),
    Action("toggle_star", "s", "Star", "Star / unstar the paper", needs_paper=True),
    Action("edit_note", "n", "Note", "Write the paper's note (Esc or Ctrl+S saves)", needs_paper=True),
    Action("edit_tags", "t", "Tags", "Edit the paper's tags (completes from tags in use)", needs_paper=True),
    Action(
        "toggle_select",
        "space",
        "Select",
        "Pick the paper for the next actions (read, star, tags, copy, "
        "export act on all picked ones); the cursor moves on; Esc lets them go",
        footer=False,
        key_display="Space",
        needs_paper=True,
    ),
    Action(
        "select_all",
        "asterisk",
        "Select all",
        "Pick every paper shown (above a weaker-matches line)",
        footer=False,
        key_display="*",
    ),
    Action(
        "toggle_advance",
        "a",
        "Advance",
        "Advance: after r or s, move on to the next paper (top-down triage); a again stops it",
        footer=False,
    ),
    Action("undo", "u", "Undo", "Undo the last change (read, star, note, tags, bulk)"),
    Action("redo", "ctrl+r", "Redo", "Redo what was undone", footer=False, key_display="Ctrl+R"),
    Action(
        "mark_all_read",
        "R",
        "All read",
        "Mark every paper shown as read, above any weaker-matches line (asks first; u undoes)",
        footer=False,
    ),
    Action("copy_link", "y", "Copy", "Copy the paper's link", needs_paper=True),
    Action(
        "copy_code_link",
        "Y",
        "Copy code",
        "Copy the first code/project link in the abstract",
        footer=False,
        needs_paper=True,
    ),
    Action(
        "open_link",
        "o",
        "Open",
        "Open the paper's page in the browser (the Hub's, when its arXiv id is known)",
        footer=False,
        needs_paper=True,
    ),
    Action(
        "choose_link",
        "O",
        "Links",
        "Pick any known link to open or copy: Hub page, arXiv abstract and PDF, code, project page",
        footer=False,
        needs_paper=True,
    ),
    Action(
        "copy_markdown",
        "c",
        "Copy MD",
        "Copy the paper as Markdown (title, link, tags, note)",
        footer=False,
        needs_paper=True,
    ),
    Action(
        "copy_bibtex", "b", "Copy BibTeX", "Copy the paper as a BibTeX entry", footer=False, needs_paper=True
    ),
    Action(
        "export",
        "e",
        "Export",
        "Export the papers picked, or those shown: Markdown, BibTeX, RIS, CSV or JSON",
        footer=False,
    ),
    Action("cycle_view", "v", "View", "Cycle the view: all → unread → starred → with notes"),
    Action(
        "digests",
        "d",
        "Digests",
        "Show the digests with read progress and what is new; Enter narrows the list to one",
    ),
    Action(
        "more_like_this",
        "m",
        "Similar",
        "More like this: the papers most similar to this one (Esc returns)",
        footer=False,
        needs_paper=True,
    ),
    Action(
        "cycle_sort",
        "S",
        "Sort",
        "Cycle the order: digest (relevance while filtering) → "
        + " → ".join(sort.label() for sort in Sort if sort is not Sort.DIGEST),
        footer=False,
    ),
    Action(
        "app.fetch", "F", "Fetch", "Fetch today's papers from the Hub (HF_ENDPOINT, HF_TOKEN)", footer=False
    ),
    Action("view('all')", "1", "All", "View all papers", footer=False, palette=False),
    Action("view('unread')", "2", "Unread", "View unread papers", footer=False, palette=False),
    Action("view('starred')", "3", "Starred", "View starred papers", footer=False, palette=False),
    Action("view('notes')", "4", "Notes", "View papers with notes", footer=False, palette=False),
    Action(
        "focus_detail",
        "tab",
        "Detail",
        "Move between the list and the detail pane",
        footer=False,
        palette=False,
        key_display="Tab",
        priority=True,
    ),
    Action("help", "question_mark", "Help", "Show all keys", key_display="?"),
    Action("app.quit", "q", "Quit", "Save and quit", palette=False),  # Textual's palette has Quit already
)

# Keys handled by the list itself, and the filter's operators, listed here so the help screen shows them too.
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("↑ ↓  j k", "Move the cursor (never marks a paper read)"),
    ("Home End  g G", "First / last paper"),
    ("PgUp PgDn", "Page up / down"),
    ("↓ in the filter", "Move to the results"),
    ("Ctrl+P", "Command palette: every action by name"),
    (
        "In the filter",
        f"is:unread is:read is:starred  {' '.join(f'has:{value}' for value in HAS_VALUES)}  tag:NAME  "
        'digest:"Mar 14" digest:latest  title:WORD  abstract:WORD  author:NAME  upvotes:>20  published:>2024-06  '
        'published:2024-01..2024-06  "exact phrase"  -word  (- before any operator negates it)  '
        "a\u00a0OR\u00a0b  a\u00a0|\u00a0b  NOT\u00a0a  ( )",  # no-break spaces: each example on one line
    ),
)


VIEW_CYCLE = (View.ALL, View.UNREAD, View.STARRED, View.NOTES)  # v, and the palette's views
NEEDS_PAPER = frozenset(action.name for action in ACTIONS if action.needs_paper)


def bindings() -> list[Binding]:
    return [action.binding() for action in ACTIONS]


def palette_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The palette entries for readlist's own actions on ``screen``, from the same registry as
    the keys; an action that needs a paper does nothing (as its key does) when there is none."""
    run = screen.app.run_action
    for action in ACTIONS:
        if action.palette:
            yield SystemCommand(
                f"{action.label}  ({action.shown_keys})", action.help, partial(run, action.name, screen)
            )
    for view in VIEW_CYCLE:
        yield SystemCommand(
            f"View: {view.label}",
            f"Show {view.label.lower()} papers",
            partial(run, f"view('{view.value}')", screen),
        )
