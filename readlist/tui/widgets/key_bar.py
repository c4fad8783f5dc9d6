"""The key bar: the keys that work right now, on one line at the bottom of the screen.

Textual's ``Footer`` mounts a widget per key and mounts them all again whenever the bindings
change, which is every focus change, and a frame or two after start-up. The key bar draws the
same line from the screen's active bindings in one pass, so it is there in the first frame and
a focus change costs one line of drawing.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

_DIM = Style(dim=True)


class Key(NamedTuple):
    key: str  # what pressing it sends
    shown: str  # how it is written (``/``, ``^p``)
    description: str
    enabled: bool


class KeyBar(Widget):
    """One ``key description`` item per shown action, in binding order, as many as fit; on the
    right, always, the keys a reader must never lose (help and quit, or a dialog's way out) and
    the command palette's. A click on an item presses its key."""

    PINNED = frozenset({"help", "app.quit", "quit", "cancel", "dismiss"})  # actions drawn on the right
    NARROW = 70  # below this width the palette's key is drawn without its name, to leave room for others

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover", "key-bar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--hover { background: $block-hover-background; }
    KeyBar > .key-bar--separator { color: $foreground 20%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple[list[Key], list[Key]] | None = None  # the keys on the left, and on the right
        self._spans: list[tuple[int, int, Key]] = []  # where each key was drawn, for clicks
        self._hover: Key | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.app.screen_change_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self._keys = None
        self.refresh()

    @property
    def keys(self) -> tuple[list[Key], list[Key]]:
        """The keys to show (the first shown binding of each action) as many as fit, and those
        drawn on the right whatever the width: the pinned ones, then the palette's.

        They are the keys of the screen on top: one drawn over this bar's screen without a bar
        of its own (the command palette) shows its keys here, where the reader looks for them."""
        if self._keys is None:
            app = self.app
            active = app.screen.active_bindings
            shown: dict[str, Key] = {}
            pinned: dict[str, Key] = {}
            for _, binding, enabled, _ in active.values():
                if binding.show and binding.action not in shown and binding.action not in pinned:
                    key = Key(binding.key, app.get_key_display(binding), binding.description, enabled)
                    (pinned if binding.action in self.PINNED else shown)[binding.action] = key
            right = list(pinned.values())
            if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
                _, binding, enabled, _ = active[app.COMMAND_PALETTE_BINDING]
                right.append(Key(binding.key, app.get_key_display(binding), binding.description, enabled))
            self._keys = (list(shown.values()), right)
        return self._keys

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        keys, pinned = self.keys
        # Full styles: translucent colours ($block-hover-background, $foreground 20%) are blended
        # with the bar's background, where a partial style would paint them opaque.
        style = self.get_component_rich_style
        key_style, text_style = style("key-bar--key"), style("key-bar--description")
        hover = Style(bgcolor=style("key-bar--hover").bgcolor)

        def item(key: Key) -> list[Segment]:
            styles = (
                (key_style, text_style) if key != self._hover else (key_style + hover, text_style + hover)
            )
            if not key.enabled:
                styles = tuple(part + _DIM for part in styles)
            if width < self.NARROW and key.key == self.app.COMMAND_PALETTE_BINDING:
                return [Segment(f" {key.shown} ", styles[0])]  # help says what it opens
            return [Segment(f" {key.shown} ", styles[0]), Segment(f"{key.description} ", styles[1])]

        right = [item(key) for key in pinned]
        right_width = sum(Strip(drawn).cell_length for drawn in right) + (1 if right else 0)
        room = width - right_width
        segments: list[Segment] = []
        spans: list[tuple[int, int, Key]] = []
        x = 0
        for key in keys:
            drawn = item(key)
            length = Strip(drawn).cell_length
            if x + length > room:
                break
            segments += drawn
            spans.append((x, x + length, key))
            x += length
        if right:
            segments.append(Segment(" " * max(0, room - x), base))
            segments.append(Segment("▏", style("key-bar--separator")))
            x = max(x, room) + 1
            for key, drawn in zip(pinned, right, strict=True):
                length = Strip(drawn).cell_length
                spans.append((x, x + length, key))
                segments += drawn
                x += length
        self._spans = spans
        return Strip(segments).adjust_cell_length(width, base)

    def key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()
