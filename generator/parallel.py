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
import weakref
from collections.abc import Callable, Iterator
from typing import Any


def can_fork() -> bool:
    """Whether forking helps and is safe: several cores, and one thread (serve has more)."""
    return ((os.cpu_count() or 1) >= 2 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


class Forked:
    """One job, started in a forked child at once; `result` waits for what it returns."""

    def __init__(self, job: Callable[[], Any]):
        collect_finished()  # before another process starts, those that are done end
        self.job = job
        self.answer: tuple | None = None
        self.received = False
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.child = context.Process(target=self._run, args=(sender,), daemon=True)
        self.child.start()
        sender.close()
        _running.add(self)

    def _run(self, sender: Any) -> None:
        # The child's copy of the reading end goes first: were the parent killed, the child
        # would otherwise wait for ever to write into a pipe only it could read, holding the
        # record's build lock. Without it, writing fails and the child ends.
        self.receiver.close()
        _running.clear()  # its parent's other children are not this child's to read
        try:
            try:
                answer = (self.job(),)
            except BaseException:  # noqa: BLE001 - the parent runs the job again and reports the error
                answer = None
            sender.send(answer)
        except OSError:
            pass  # the parent is gone

    def take_if_sent(self) -> None:
        """Read the child's answer if it has begun sending it: until then a child whose answer
        is larger than a pipe holds waits, with all its memory (see `collect_finished`)."""
        if not self.received and self.receiver.poll():
            self._receive()

    def _receive(self) -> None:
        try:
            self.answer = self.receiver.recv()
        except EOFError:
            self.answer = None
        self.received = True
        self.child.join()
        _running.discard(self)

    def result(self) -> Any:
        if not self.received:
            self._receive()
        return self.job() if self.answer is None else self.answer[0]

    def cancel(self) -> None:
        """Stop the child: this process failed before it asked for the result."""
        _running.discard(self)
        if self.child.is_alive():
            self.child.kill()
        self.child.join()
        self.receiver.close()


# The children started and not yet read from (see `collect_finished`).
_running: weakref.WeakSet[Forked] = weakref.WeakSet()


def collect_finished() -> None:
    """Read the answers of the children that have finished, so that they end now.

    A child's answer (the dossier's HTML, a share of the pages) is larger than a pipe holds,
    so a child that is done waits in `send` until its parent reads, and a copy of its parent's
    memory waits with it. The dossier of 10,000 achievements was ready long before the site's
    pages, and its process held ~150 MiB through their rendering, the build's peak of memory.
    """
    for child in list(_running):
        child.take_if_sent()


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


class Turns:
    """The numbers 0 to count - 1, each taken by one of the processes that share it (this one
    and the children it forks after making it), as each is free for more: the parts of a job
    go where there is time for them, and every process ends at about the same moment.

    They wait in a pipe, written whole before any is taken: a read of four bytes from a pipe
    that holds at least four takes four at once, so no two processes share a number.
    """

    MOST = 1024  # their bytes fit the smallest pipe a system gives

    def __init__(self, count: int):
        if not 0 <= count <= self.MOST:
            raise ValueError(f"Turns holds up to {self.MOST} numbers, not {count}")
        self.reading, writing = os.pipe()
        with os.fdopen(writing, "wb") as stream:  # closed at once: once all are taken, a read finds none
            stream.write(b"".join(number.to_bytes(4, "little") for number in range(count)))

    def take(self) -> int | None:
        """The next number no process has taken, or None when all are."""
        data = os.read(self.reading, 4)
        return int.from_bytes(data, "little") if data else None

    def close(self) -> None:
        os.close(self.reading)
