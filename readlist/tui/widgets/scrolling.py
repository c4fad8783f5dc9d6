"""Changing how tall a line-API widget's content is, without laying out the whole screen.

Textual's ``virtual_size`` is a reactive that asks for a layout of the screen on every change:
tens of milliseconds for a repaint that only needs the widget's own lines. A widget whose lines
change on every key (the paper list while typing, the detail pane on every move) sets it here
instead: a layout only when the vertical scrollbar comes or goes, else the new size, the
scrollbar's thumb and the lines are redrawn in place.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set ``view``'s content size; the caller refreshes the lines that changed."""
    old = view.virtual_size
    height = view.container_size.height
    if old.width != size.width or (old.height > height) != (size.height > height) or not view.is_mounted:
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    if view.show_vertical_scrollbar:
        scrollbar = view.vertical_scrollbar
        scrollbar.window_virtual_size = size.height
        scrollbar.refresh()
    view.scroll_to(y=min(view.scroll_y, max(0, size.height - height)), animate=False, immediate=True)
