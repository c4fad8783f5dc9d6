"""The filter bar: a text input whose keys say how to leave it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class FilterInput(Input):
    """Letters typed here are the query's, so the list's keys are hidden from the key bar while
    it has focus; these take their place. Both are the screen's actions (``results`` only acts
    in the filter). The bar names Enter, which does the same as ↓ (the screen hears the input's
    ``Submitted``)."""

    BINDINGS = [
        Binding("down", "screen.results", "Results", key_display="Enter"),
        Binding("escape", "screen.clear_filter", "Clear", key_display="Esc"),
    ]
