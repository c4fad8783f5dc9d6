"""readlist: a terminal reading list for research-paper digests."""

__version__ = "0.1.0"
