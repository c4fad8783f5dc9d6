"""The headless core of readlist: parsing, identity, storage, search and export.

Nothing in this package may import ``textual`` or ``rich``; a test enforces it.
"""

from readlist.core.errors import ReadlistError

__all__ = ["ReadlistError"]
