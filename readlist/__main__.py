"""``python -m readlist`` entry point."""

from readlist.cli import main

raise SystemExit(main())
