"""Work done in a forked child while this process goes on, for the stages that split well.

A forked child inherits everything this process holds as it is (the record, compiled
templates), so only its result crosses back, pickled. A child that fails hands its job
back: the job then runs here, so an error is reported exactly as without children.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any


def can_fork() -> bool:
    """Whether forking helps and is safe: several cores, and one thread (serve has more)."""
    return ((os.cpu_count() or 1) >= 2 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


class Forked:
    """One job, started in a forked child at once; `result` waits for what it returns."""

    def __init__(self, job: Callable[[], Any]):
        self.job = job
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.child = context.Process(target=self._run, args=(sender,), daemon=True)
        self.child.start()
        sender.close()

    def _run(self, sender: Any) -> None:
        # The child's copy of the reading end goes first: were the parent killed, the child
        # would otherwise wait for ever to write into a pipe only it could read, holding the
        # record's build lock. Without it, writing fails and the child ends.
        self.receiver.close()
        try:
            try:
                answer = (self.job(),)
            except BaseException:  # noqa: BLE001 - the parent runs the job again and reports the error
                answer = None
            sender.send(answer)
        except OSError:
            pass  # the parent is gone

    def result(self) -> Any:
        try:
            answer = self.receiver.recv()
        except EOFError:
            answer = None
        self.child.join()
        return self.job() if answer is None else answer[0]

    def cancel(self) -> None:
        """Stop the child: this process failed before it asked for the result."""
        if self.child.is_alive():
            self.child.kill()
        self.child.join()
        self.receiver.close()


@contextlib.contextmanager
def cancelled_on_failure(*children: Forked | None) -> Iterator[None]:
    """Stop `children` when the block fails: nobody will ask for their results."""
    try:
        yield
    except BaseException:
        for child in children:
            if child is not None:
                child.cancel()
        raise
