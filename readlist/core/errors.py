"""Error types the CLI and the TUI turn into one-line messages."""


class ReadlistError(Exception):
    """Base class for every error readlist reports to the user."""


class InputError(ReadlistError):
    """A digest file could not be read at all (missing, binary, a folder...)."""


class CorruptFileError(ReadlistError):
    """A stored data file exists but cannot be parsed; it is never overwritten."""


class LockTimeout(ReadlistError):
    """Another readlist process held the data lock for too long."""


class UnsavedChanges(ReadlistError):
    """The state could not be saved; the pending changes went to the recovery file instead."""


class SyncError(ReadlistError):
    """``readlist sync`` could not finish (git missing, a remote out of reach or refusing us, a
    remote that holds something else); the library was left as it was."""
