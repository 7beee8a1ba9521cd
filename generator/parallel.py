"""Work done in a forked child while this process goes on, for the stages that split well.

A forked child inherits everything this process holds as it is (the record, compiled
templates), so only its result crosses back, pickled. A child that fails hands its job
back: the job then runs here, so an error is reported exactly as without children.
"""

from __future__ import annotations

import array
import contextlib
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from generator.cache import dump


def can_fork() -> bool:
    """Whether forking helps and is safe: several cores, and one thread (serve has more)."""
    return ((os.cpu_count() or 1) >= 2 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


class Forked:
    """One job, started in a forked child at once; `result` waits for what it returns.

    The child writes its answer into a file without a name that this process made, and
    ends: its copy of this process's memory is gone before the answer is read here. Sent
    through a pipe, a large answer kept a child that was done (the dossier of 10,000
    achievements, long before the site's pages) waiting for its reader with all that memory,
    and the answer's bytes lived in both processes at once.
    """

    def __init__(self, job: Callable[[], Any]):
        self.job = job
        self.answer: tuple | None = None
        self.received = False
        self.child: Any = None
        try:
            self.answer_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed once the answer is read
        except OSError:  # nowhere to write one: the job runs here when its result is asked for
            self.received = True
            return
        self.child = multiprocessing.get_context("fork").Process(target=self._run, daemon=True)
        self.child.start()

    def _run(self) -> None:
        try:
            answer = (self.job(),)
        except BaseException:  # noqa: BLE001 - the parent runs the job again and reports the error
            answer = None
        try:
            dump(answer, self.answer_file)
            self.answer_file.flush()
        except Exception:  # noqa: BLE001 - an answer that cannot be written (a full disk): the parent runs the job
            raise SystemExit(1) from None  # ended without a word: the parent reads no answer

    def _receive(self) -> None:
        self.child.join()
        try:
            # a child that did not end well may have written part of an answer, or none
            if self.child.exitcode == 0:
                self.answer_file.seek(0)
                self.answer = pickle.load(self.answer_file)
        except (EOFError, pickle.UnpicklingError):
            self.answer = None
        finally:
            self.answer_file.close()
        self.received = True

    def finished(self) -> bool:
        """Whether `result` would not wait: the child ended (or none was started)."""
        return self.received or self.child.exitcode is not None

    def result(self) -> Any:
        if not self.received:
            self._receive()
        return self.job() if self.answer is None else self.answer[0]

    def cancel(self) -> None:
        """Stop the child: this process failed before it asked for the result."""
        if self.received:
            return
        if self.child.is_alive():
            self.child.kill()
        self.child.join()
        self.answer_file.close()
        self.received = True


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


def share_out(items: list, work: Callable[[list], dict], size: int) -> dict:
    """`work` done on all of `items`, `size` at a time, by this process and a forked child,
    each taking the next `size` whenever it is free (see `Turns`): the union of the dicts
    `work` returns, the same as `work(items)` if `work` is a pure function of each item.

    What the child makes crosses back pickled, which costs the two processes about a third as
    much again as making it (the parsed files of a record). Handed over whole at the end, the
    child's answer was written after its last part and read here after this process's last,
    each while the other had nothing to do; and a share of the parts fixed ahead suits one
    record on one machine. So the child writes each part as soon as it is done, and this
    process reads those written between its own parts. Parts the child did not hand back, if
    it failed, are done here, and so fail as without a child.
    """
    size = max(size, -(-len(items) // Turns.MOST))  # no more parts than a pipe of turns holds
    parts = [items[start:start + size] for start in range(0, len(items), size)]
    turns, written = Turns(len(parts)), Notices()
    try:
        answers = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    except OSError:  # nowhere for the child to write: all of it here
        turns.close()
        written.close()
        return work(items)

    def child() -> None:
        try:
            while (turn := turns.take()) is not None:
                start = answers.tell()
                dump((turn, work(parts[turn])), answers)
                answers.flush()
                written.send(answers.tell() - start)
        except BaseException:  # noqa: BLE001 - what it did not hand back is done by the parent
            raise SystemExit(1) from None

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    result: dict = {}
    done: set[int] = set()
    read_up_to = 0

    def take_in() -> None:
        nonlocal read_up_to
        for length in written.received():
            turn, part = pickle.loads(os.pread(answers.fileno(), length, read_up_to))
            read_up_to += length
            result.update(part)
            done.add(turn)

    try:
        while (turn := turns.take()) is not None:
            result.update(work(parts[turn]))
            done.add(turn)
            take_in()
        process.join()
        take_in()
        for turn, part in enumerate(parts):
            if turn not in done:  # the child failed while it held them
                result.update(work(part))
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        turns.close()
        written.close()
        answers.close()
    return result


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
            stream.write(_as_bytes(range(count)))

    def take(self) -> int | None:
        """The next number no process has taken, or None when all are."""
        taken = _as_numbers(os.read(self.reading, 4))
        return taken[0] if taken else None

    def left(self) -> int:
        """How many numbers no process has taken yet (as the pipe says: some may be taken meanwhile)."""
        import fcntl
        import termios

        waiting = array.array("i", [0])
        fcntl.ioctl(self.reading, termios.FIONREAD, waiting)
        return waiting[0] // 4

    def close(self) -> None:
        os.close(self.reading)


class Notices:
    """Numbers the children this process forks after making it send it (a child's slot, once
    it takes no more turns), read here without waiting. Each goes whole into a pipe: a pipe
    never splits a write of four bytes."""

    def __init__(self) -> None:
        self.reading, self.writing = os.pipe()
        os.set_blocking(self.reading, False)

    def send(self, number: int) -> None:
        os.write(self.writing, _as_bytes((number,)))

    def received(self) -> list[int]:
        """The numbers sent since last asked; none, at once, when none were."""
        try:
            return _as_numbers(os.read(self.reading, 4096))
        except BlockingIOError:
            return []

    def close(self) -> None:
        os.close(self.reading)
        os.close(self.writing)


def _as_bytes(numbers: Iterable[int]) -> bytes:
    return b"".join(number.to_bytes(4, "little") for number in numbers)


def _as_numbers(data: bytes) -> list[int]:
    return [int.from_bytes(data[index:index + 4], "little") for index in range(0, len(data), 4)]
