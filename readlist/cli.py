"""Command line: import digests, list and mark papers, or open the TUI.

The TUI is imported only when it is about to run, so ``import``, ``list`` and
``mark`` stay fast and work without a terminal; what only one command needs is
imported by that command, so opening the app waits for none of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from readlist import __version__
from readlist.core.errors import CorruptFileError, ReadlistError
from readlist.core.export import EXTENSIONS, FORMATS, paper_json
from readlist.core.importer import STDIN, import_files
from readlist.core.library import ImportReport, Library
from readlist.core.paths import data_dir
from readlist.core.query import needs_index, parse
from readlist.core.storage import write_atomic
from readlist.core.text import one_line
from readlist.core.views import Sort, View

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("import", "list", "export", "mark", "doctor")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", help="where the library lives (default: $READLIST_DATA_DIR or the user data dir)")


def build_parsers() -> dict[str, argparse.ArgumentParser]:
    tui = _Parser(prog="readlist", description="Triage research-paper digests from the keyboard.",
                  epilog=f"Subcommands: {', '.join(COMMANDS)} (readlist COMMAND --help).")
    _common(tui)
    tui.add_argument("--version", action="version", version=f"readlist {__version__}")
    tui.add_argument("--demo", action="store_true", help="open the two bundled sample digests in a throwaway library")
    tui.add_argument("digests", nargs="*", metavar="DIGEST", help="digest files to import before opening")

    imp = _Parser(prog="readlist import", description="Import digest files into the library.")
    _common(imp)
    imp.add_argument("digests", nargs="+", metavar="DIGEST", help="digest files; - reads standard input")

    lst = _Parser(prog="readlist list", description="List papers, best match first with --query.")
    _common(lst)
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    _filters(lst)

    export = _Parser(prog="readlist export", description="Write papers and their state as Markdown notes, "
                     "BibTeX, CSV or JSON (which 'readlist import' reads back).")
    _common(export)
    export.add_argument("--format", "-f", choices=FORMATS, help="the format (default: from the -o file's extension)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    _filters(export)

    mark = _Parser(prog="readlist mark", description="Change a paper's read / starred / note / tags state.")
    _common(mark)
    mark.add_argument("id", metavar="ID", help="paper id (or a unique prefix, or an arXiv id)")
    read = mark.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_const", const=True)
    read.add_argument("--unread", dest="read", action="store_const", const=False)
    star = mark.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True)
    star.add_argument("--unstar", dest="starred", action="store_const", const=False)
    mark.add_argument("--note", metavar="TEXT", help="replace the note ('' clears it)")
    mark.add_argument("--tags", metavar="TAGS", help="replace the tags, separated by spaces or commas ('' clears them)")

    doctor = _Parser(prog="readlist doctor", description="Check the data files and backups.")
    _common(doctor)
    doctor.add_argument("--restore", action="store_true", help="replace damaged files with their newest good backup")
    return {"tui": tui, "import": imp, "list": lst, "export": export, "mark": mark, "doctor": doctor}


def _filters(parser: argparse.ArgumentParser) -> None:
    """The options that choose papers, shared by ``list`` and ``export`` (see ``_selected``)."""
    for flag, text in (("starred", "starred papers"), ("unread", "unread papers"), ("read", "read papers"),
                       ("notes", "papers with a note")):
        parser.add_argument(f"--{flag}", action="store_true", help=f"only {text}")
    parser.add_argument("--query", "-q", metavar="Q",
                        help='search titles, abstracts, notes and tags (typo-tolerant), with is:unread is:read '
                             'is:starred has:note has:tags has:link tag:NAME digest:"Mar 14" title:WORD '
                             '"exact phrase" -word')
    parser.add_argument("--sort", choices=[s.value for s in Sort], default=Sort.DIGEST.value,
                        help="order: digest (best match first with --query), published, title, starred")


def _split_command(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The subcommand (or ``tui``) and the remaining arguments."""
    args = list(argv)
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--data-dir":
            skip = True
            continue
        if arg == "--":
            break
        if not arg.startswith("-") or arg == "-":
            if arg in COMMANDS:
                return arg, args[:i] + args[i + 1 :]
            break
    return "tui", args


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command, rest = _split_command(argv)
    args = None
    try:
        args = build_parsers()[command].parse_args(rest)
        handler = {"tui": run_tui, "import": cmd_import, "list": cmd_list, "export": cmd_export, "mark": cmd_mark,
                   "doctor": cmd_doctor}[command]
        code = handler(args)
        if sys.stdout is not None:  # None when started with standard output closed
            sys.stdout.flush()  # a reader gone from the pipe (``| head``) shows here, not at exit
        return code
    except UsageError as exc:
        print(one_line(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except CorruptFileError as exc:
        from readlist.core.backup import corrupt_hint

        folder = data_dir(getattr(args, "data_dir", None))
        print(f"readlist: {one_line(corrupt_hint(folder, exc))}", file=sys.stderr)
        return EXIT_INPUT
    except ReadlistError as exc:
        print(f"readlist: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_OK
    except OSError as exc:
        print(f"readlist: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return EXIT_INPUT


def _discard_stdout() -> None:
    """The reader of the output went away: send what is still buffered to the null device, or
    Python's flush at exit fails on it again (a traceback-like message and exit status 120)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (output captured in a test)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _print_problems(report: ImportReport) -> None:
    """Warnings, then problems, one line each on stderr."""
    for message in (*report.warnings, *report.problems):
        print(one_line(message), file=sys.stderr)


def _print_report(report: ImportReport) -> None:
    for f in report.files:
        print(f"{one_line(f.source)}: {f.entries} {f.unit} ({one_line(f.label)}): {f.new} new, {f.known} already known"
              + (f", {f.repeats} listed twice" if f.repeats else "")
              + (f", {f.updated} updated" if f.updated else "")
              + (f", state restored for {f.restored}" if f.restored else ""))
    _print_problems(report)
    warnings = len(report.warnings)
    print(f"total: {report.new} new, {report.known} already known, {len(report.problems)} problems"
          + (f", {warnings} warning{'' if warnings == 1 else 's'}" if warnings else ""))


def _open(args: argparse.Namespace) -> Library:
    """Open the library and, once a day, back up its files before anything changes them."""
    from readlist.core.backup import backup_daily

    library = Library.open(data_dir(args.data_dir))
    backup_daily(library.folder)
    return library


def cmd_import(args: argparse.Namespace) -> int:
    library = _open(args)
    try:
        report = import_files(library, args.digests)
    finally:
        library.close()
    _print_report(report)
    return EXIT_OK if report.ok else EXIT_INPUT


def _selected(library: Library, args: argparse.Namespace) -> list[int]:
    """Indices into ``library.papers`` that the filter options choose, in the order to show them."""
    from readlist.core.selection import Columns, select_papers

    text = args.query or ""
    index = None
    if needs_index(parse(text)):
        from readlist.core.search import SearchIndex

        index = SearchIndex.open(library.cache / "index", library.papers, library.state.notes(), library.order)
    views = [View(name) for name in ("starred", "unread", "read", "notes") if getattr(args, name)]
    selection = select_papers(library, text, index=index, columns=Columns(library),
                              views=views, sort=Sort(args.sort))
    for hint in dict.fromkeys(selection.hints):
        print(f"readlist: {one_line(hint)}", file=sys.stderr)
    return selection.indices


def cmd_list(args: argparse.Namespace) -> int:
    library = _open(args)
    papers = library.papers
    chosen = _selected(library, args)
    if args.json:
        rows = [paper_json(papers[i], library.state_of(papers[i].id)) for i in chosen]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for i in chosen:
        paper = papers[i]
        state = library.state_of(paper.id)
        marks = ("●" if not state.read else " ") + ("★" if state.starred else " ") + ("✎" if state.note else " ")
        digest = one_line(paper.digests[0]) if paper.digests else ""
        tags = "".join(f"  #{tag}" for tag in state.tags)
        print(f"{paper.id}  {marks}  {digest:<7}  {one_line(paper.title)}{tags}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format or (EXTENSIONS.get(Path(args.output).suffix.lower()) if args.output else None)
    if fmt is None:
        raise UsageError("readlist export: choose a --format (markdown, bibtex, csv or json)")
    library = _open(args)
    text, count = library.export(_selected(library, args), fmt)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomic(Path(args.output), text.encode("utf-8"))
    except OSError as exc:
        print(f"readlist: cannot write {one_line(args.output)}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{count} paper{'' if count == 1 else 's'} written to {one_line(args.output)} ({fmt})")
    return EXIT_OK


def cmd_mark(args: argparse.Namespace) -> int:
    changes = {k: v for k, v in (("read", args.read), ("starred", args.starred), ("tags", args.tags))
               if v is not None}
    if args.note is not None:
        from readlist.core.text import clean_note

        changes["note"] = clean_note(args.note)
    if not changes:
        raise UsageError("readlist mark: nothing to change (use --read, --unread, --star, --unstar, --note or --tags)")
    library = _open(args)
    try:
        paper = library.find(args.id)
        if paper is None:
            print(f"readlist: no paper with id {one_line(args.id)!r}", file=sys.stderr)
            return EXIT_INPUT
        # Explicit writes, so that this wins over what a running app saved meanwhile.
        state = library.state.update(paper.id, **changes)
    finally:
        library.close()
    flags = [("read" if state.read else "unread"), *(["starred"] if state.starred else []),
             *(["note"] if state.note else []), *(f"#{tag}" for tag in state.tags)]
    print(f"{paper.id}  {', '.join(flags)}  {one_line(paper.title)}")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from readlist.core.backup import check, restore

    folder = data_dir(args.data_dir)
    findings = check(folder)
    if args.restore:
        for name in ("library.json", "state.json"):
            if any(not f.ok and name in f.message and "damaged" in f.message for f in findings):
                backup, moved = restore(folder, name)
                print(f"restored {name} from {backup.name}" + (f"; the damaged file is now {moved.name}" if moved else ""))
        findings = check(folder)
    for finding in findings:
        print(one_line(str(finding)))
    return EXIT_OK if all(f.ok for f in findings) else EXIT_INPUT


SAMPLE_FILES = ("daily_papers_sample.txt", "daily_papers_sample_2.txt")  # two days, oldest first


def sample_digests() -> list[Path]:
    """The bundled sample digests, oldest first."""
    from importlib import resources

    folder = resources.files("readlist.sample")
    return [Path(str(folder.joinpath(name))) for name in SAMPLE_FILES]


def import_demo(library: Library, extra: Sequence[str] = ()) -> ImportReport:
    """The samples as a reader has them on the second day: the first digest came before the last
    visit, the second (and any ``extra`` files) since, so the digests panel has news to show."""
    from readlist.core.visits import Visits

    first, *later = sample_digests()
    report = import_files(library, [str(first)])
    Visits(library.folder).begin()
    rest = import_files(library, [*map(str, later), *extra])
    report.files += rest.files
    report.errors += rest.errors
    return report


def _no_such_file(name: str) -> bool:
    """True when nothing is at ``name``; other trouble (permissions...) the import reports."""
    try:
        Path(name).stat()
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        pass
    return False


def run_tui(args: argparse.Namespace) -> int:
    # A name that is no file is more likely a mistyped command than a digest: stop before the
    # library is opened, let alone the app.
    missing = next((name for name in args.digests if name != STDIN and _no_such_file(name)), None)
    if missing is not None:
        raise UsageError(f"readlist: {missing}: no such file (commands: {', '.join(COMMANDS)})")
    with ExitStack() as stack:
        if args.demo:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="readlist-demo-")))
        else:
            folder = data_dir(args.data_dir)
        names = list(args.digests)
        library = Library.open(folder)
        stack.callback(library.close)
        if args.demo:
            report: ImportReport | None = import_demo(library, names)
        else:
            report = import_files(library, names) if names else None
        if report is not None:
            _print_problems(report)
        from readlist.tui.app import run

        run(library, report=report, demo=args.demo)
    return EXIT_OK if report is None or report.ok else EXIT_INPUT
