"""Syncing a library between machines through a git repository (``readlist sync``).

The repository is readlist's own, a bare one in the data folder (``sync/``). It holds a
git-friendly copy of what travels: the papers (``papers/*.jsonl``, one paper a line, sharded by
id), the reading state with the time of each change (``state.jsonl``) and the digests
(``digests.jsonl``). A sync commits this machine's copy, fetches the other machines', merges the
two itself (merge.py, trees.py: git never merges a data file), pushes, and only then applies
the result to the library (local.py). run.py puts the steps together; repo.py and git.py talk to
git.
"""
