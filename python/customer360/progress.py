"""Progress bars for long work (generation, model training), drawn with tqdm on stderr.

A bar is shown only when stderr is a terminal and ``--quiet`` was not given, so CI logs and files that
capture stderr stay clean, and stdout (the figures a command prints) never carries one.

Library functions take a plain callback ``progress(label, done, total)`` called as each step ends; they
know nothing about bars. ``steps_bar`` turns such a callback into a bar for a command-line run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: ``progress(label, done, total)``: the step called ``label`` has ended; ``done`` of ``total`` steps are done.
Progress = Callable[[str, int, int], None]


def add_quiet_argument(parser) -> None:
    """``--quiet``: no progress bar (bars are also off when stderr is not a terminal)."""
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar (bars go to stderr, and only when it is a terminal)")


def bars_enabled(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """True when a bar should be drawn: not quiet, and the stream (default stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    if quiet:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


@contextmanager
def steps_bar(description: str, quiet: bool = False, stream: TextIO | None = None) -> Iterator[Progress | None]:
    """A ``Progress`` callback drawing one bar of steps, or None when bars are off (see ``bars_enabled``).

    The bar's total is taken from the first call, so the library decides how many steps there are."""
    stream = sys.stderr if stream is None else stream
    if not bars_enabled(quiet, stream):
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=None, desc=description, unit="step", file=stream, leave=False, dynamic_ncols=True)
    try:
        def progress(label: str, done: int, total: int) -> None:
            first = bar.total != total
            if first:
                bar.total = total
            bar.set_postfix_str(label, refresh=False)
            bar.update(done - bar.n)
            if first or done == total:  # show the total at once, and the last step before the bar goes
                bar.refresh()

        yield progress
    finally:
        bar.close()
