"""Make state changes through the core, one flush each, and report them; tests kill it or race it.

Usage: state_writer.py DATA_DIR --seed N --tag T [--count N] [--pids i,j,..] [--fields read,note]
       [--max-sleep SECONDS]
       [--stop-file PATH] [--first-saved PATH] [--before-last PATH]

Per change it prints ``attempt {json}`` before touching anything and ``saved {json}`` only after
``flush()`` returned, stdout flushed each time. ``stamp`` is taken while this process still holds
the data lock, so stamps of two writers order their writes exactly as they reached the file.
Booleans are toggled from what this process believes, notes get values unique to (tag, step),
so every change is a real change. Prints ``ready`` once the library is open.

Two writers overlap for certain when each creates its ``--first-saved`` file after its first write
and waits for the other's before its last one (``--before-last``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from readlist.core.library import Library
from tests.helpers.waiting import wait_until


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default="w")
    parser.add_argument("--count", type=int, default=0, help="0: until killed")
    parser.add_argument("--pids", default="", help="indices into the display order; default all")
    parser.add_argument("--fields", default="read,starred,note")
    parser.add_argument("--max-sleep", type=float, default=0.0)
    parser.add_argument("--stop-file", default="", help="finish cleanly once this file exists")
    parser.add_argument("--first-saved", default="", help="create this file once the first change is saved")
    parser.add_argument("--before-last", default="", help="wait for this file before the last change")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    library = Library(Path(args.data))
    ids = [library.papers[i].id for i in library.order]
    if args.pids:
        ids = [ids[int(i)] for i in args.pids.split(",")]
    fields = args.fields.split(",")
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    step = 0
    stop_file = Path(args.stop_file) if args.stop_file else None
    while (not args.count or step < args.count) and not (stop_file and stop_file.exists()):
        if args.before_last and step == args.count - 1:
            wait_until(Path(args.before_last).exists, f"{args.before_last} to appear")
        pid = rng.choice(ids)
        field = rng.choice(fields)
        current = library.state.get(pid)
        if field == "note":
            # unicode and a line break: notes are stored as written
            value: object = f"{args.tag}-{step} ✎ note\nline two" if rng.random() < 0.9 else ""
            if value == current.note:
                value = f"{args.tag}-{step}"
        else:
            value = not getattr(current, field)
        change = {"pid": pid, "field": field, "value": value, "tag": args.tag, "step": step}
        out.write("attempt " + json.dumps(change) + "\n")
        out.flush()
        library.state.update(pid, **{field: value})
        with library.lock:
            library.state.flush()
            change["stamp"] = time.monotonic_ns()
        out.write("saved " + json.dumps(change) + "\n")
        out.flush()
        if step == 0 and args.first_saved:
            Path(args.first_saved).touch()
        step += 1
        if args.max_sleep:
            time.sleep(rng.uniform(0, args.max_sleep))
    library.close()
    out.write("done\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
