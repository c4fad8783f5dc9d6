"""Copying to the system clipboard with pyperclip, which has no backend over SSH."""

from __future__ import annotations


def system_copy(text: str) -> bool:
    """Copy with pyperclip; False when it has no working backend (SSH, headless)."""
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own errors, OSError, or FileNotFoundError
        return False
    return True
