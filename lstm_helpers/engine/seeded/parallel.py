"""The seeds of one model split over processes: ``train_seeds(..., workers=2)`` uses a second CPU core.

Seeds are independent, so a share of them can train in another process with the same seed-batched
engine: every seed computes exactly what it computes in one process (each seed's arithmetic does not
depend on which other seeds share its pass), so the results are bit for bit the same. The wall time
of 5 seeds on two cores is then about that of 3 seeds in one pass.

How (:func:`run_shares`): job 0 runs in this process; every other job in a child made by ``os.fork``
(Linux only: the child inherits the model, the batch function and the data without pickling them, and
starts in milliseconds). A child sends its progress and, at the end, its result back through a pipe
(length-prefixed pickles), then leaves with ``os._exit`` (no atexit handlers, no output streams flushed:
safe in a Jupyter kernel, whose sockets belong to the parent). Its standard output and error go to
/dev/null; its warnings are recorded and raised again here. Each process runs one BLAS thread
(:func:`one_blas_thread`). If anything fails or is interrupted (KeyboardInterrupt, an error in a job),
every child still running is killed and reaped before the exception propagates: no process is left
behind. A child whose parent dies stops at its next progress message (the pipe is broken).

Where ``fork`` is unavailable or unsafe (Windows, macOS, whose system libraries do not survive a fork),
:func:`fork_available` is False and ``train_seeds`` runs every seed in this process (same results).
"""
from __future__ import annotations

import contextlib
import numbers
import os
import pickle
import select
import signal
import struct
import sys
import time
import traceback
import warnings
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

HEADER = struct.Struct("<Q")       # message length before every pickled message
REPORT_EVERY = 0.1                 # s between two progress messages of a child (eval steps are always sent)
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def fork_available() -> bool:
    """True where worker processes are made by ``os.fork`` (Linux)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def check_workers(workers, where: str) -> int:
    """``workers`` as an int >= 1 (the number of processes), else TypeError/ValueError naming the argument."""
    if isinstance(workers, (bool, np.bool_)) or not isinstance(workers, numbers.Integral):
        raise TypeError(f"{where}: argument 'workers' must be a whole number of processes (int >= 1), "
                        f"but it is {type(workers).__name__} {workers!r}.")
    if workers < 1:
        raise ValueError(f"{where}: argument 'workers' must be at least 1 (1 = this process only), "
                         f"but it is {workers}.")
    return int(workers)


def one_blas_thread():
    """A context in which BLAS runs one thread (nothing to do when the environment already says so)."""
    if all(os.environ.get(v) == "1" for v in BLAS_THREAD_VARIABLES[:2]):
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class Child:
    """This process's handle on one forked worker: pid, the read end of its pipe, what it sent."""

    def __init__(self, index: int, pid: int, fd: int):
        self.index, self.pid, self.fd = index, pid, fd
        self.buffer = bytearray()
        self.result = None
        self.finished = False      # its result has arrived
        self.reaped = False

    def messages(self) -> list:
        """Read what the pipe holds now (it must be readable); the complete messages in it. EOF -> 'eof'."""
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return [("eof",)]
        self.buffer += chunk
        out = []
        while len(self.buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buffer)
            if len(self.buffer) < HEADER.size + size:
                break
            out.append(pickle.loads(bytes(self.buffer[HEADER.size:HEADER.size + size])))
            del self.buffer[:HEADER.size + size]
        return out


def send(fd: int, message) -> None:
    """Write one length-prefixed pickled message to the pipe ``fd`` (blocking until all of it is written)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # an exception that cannot travel: its text does
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def start_child(index: int, job: Callable, others: list) -> Child:
    """Fork; the child runs ``job(report)`` and sends ('result', value, warnings) or ('error', exc, text).
    ``others``: the children started before (the new child closes its copies of their pipes)."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # Python >= 3.12 warns about fork with threads
        pid = os.fork()
    if pid:
        os.close(write_fd)
        return Child(index, pid, read_fd)
    code = 1                                                   # the child: never returns from here
    try:
        for fd in [read_fd] + [c.fd for c in others]:
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)   # Ctrl-C / kernel interrupt: stop (see below)
        sys.stdout = sys.stderr = open(os.devnull, "w")            # never write to the parent's streams
        last = [0.0]

        def report(message, urgent: bool = False) -> None:
            now = time.monotonic()
            if urgent or now - last[0] >= REPORT_EVERY:
                last[0] = now
                send(write_fd, ("progress", message))

        with warnings.catch_warnings(record=True) as caught, one_blas_thread():
            value = job(report)
        send(write_fd, ("result", value, [(w.category, str(w.message)) for w in caught]))
        code = 0
    except BaseException as exc:                               # KeyboardInterrupt too: report, then leave
        with contextlib.suppress(BaseException):
            send(write_fd, ("error", _picklable(exc), traceback.format_exc()))
    finally:
        os._exit(code)


def stop(children: list) -> None:
    """Kill every child still running and reap every child (no zombies, no orphans)."""
    for child in children:
        if not child.reaped:
            if not child.finished:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
            child.reaped = True
        with contextlib.suppress(OSError):
            os.close(child.fd)


def pump(children: list, on_report: Callable, timeout: float) -> None:
    """Handle what the children have sent (wait up to ``timeout`` s for something): progress goes to
    ``on_report(index, message)``, results are stored, a child's error is raised here."""
    waiting = {c.fd: c for c in children if not c.finished}
    if not waiting:
        return
    ready, _, _ = select.select(list(waiting), [], [], timeout)
    for fd in ready:
        child = waiting[fd]
        for message in child.messages():
            if message[0] == "progress":
                on_report(child.index, message[1])
            elif message[0] == "result":
                child.result, child.finished = message[1], True
                for category, text in message[2]:
                    warnings.warn(text, category, stacklevel=2)
            elif message[0] == "error":
                exc, text = message[1], message[2]
                exc.add_note(f"(raised in worker process {child.index}, pid {child.pid}:)\n{text}")
                raise exc
            else:                                              # EOF without a result
                _, status = os.waitpid(child.pid, 0)
                child.reaped = True
                raise RuntimeError(f"worker process {child.index} (pid {child.pid}) ended without a result "
                                   f"(wait status {status}).")


def run_shares(jobs: list, on_report: Callable) -> list:
    """Run ``jobs[0](report)`` in this process and every other job in a forked child; their results in order.

    Each job is ``job(report) -> result``; ``report(message, urgent=False)`` hands a progress message to
    ``on_report(job_index, message)`` in this process (a child's messages come at most every
    ``REPORT_EVERY`` s unless urgent). Results must be picklable. On any exception, including
    KeyboardInterrupt, every child is killed and reaped before it propagates.
    """
    children: list = []
    try:
        for k, job in enumerate(jobs[1:], start=1):
            children.append(start_child(k, job, children))

        def report_here(message, urgent: bool = False) -> None:
            on_report(0, message)
            pump(children, on_report, 0.0)

        with one_blas_thread():
            first = jobs[0](report_here)
        while not all(c.finished for c in children):
            pump(children, on_report, 0.1)
        return [first] + [c.result for c in children]
    finally:
        stop(children)
