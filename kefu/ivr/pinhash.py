"""argon2id PIN verification in low-priority worker processes (FastAGI).

This module imports no Django on purpose: the pool's processes are spawned, not forked (the server has
threads and open database connections), and only need argon2. A process pool instead of threads because a
thread at a lower CPU priority still takes the server's GIL for its Python parts, and when the OS preempts it
while it holds the GIL every call's step waits for it (measured: the low-priority PIN thread made the other
steps' p99 worse, not better). In a process of its own, at ``nice`` +10, argon2 only gets the CPU the steps
leave over. The PIN crosses a local pipe to the child and is never stored or logged there.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # verify() takes the parameters from the hash itself


def verify(pin_hash: str, pin: str) -> bool:
    try:
        return _HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def _init_worker(niceness: int) -> None:
    if niceness > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness)
    # A server stopped by SIGTERM runs no clean-up: its PIN processes notice the new parent and leave.
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _ready() -> bool:
    return True


class PinHashPool:
    """``submit(pin_hash, pin) -> Future[bool]`` on ``workers`` spawned processes at a lower CPU priority."""

    TIMEOUT_S = 30.0

    def __init__(self, *, workers: int = 1, niceness: int = 10) -> None:
        self._workers, self._niceness = max(1, workers), niceness
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self._niceness,))

    def warm_up(self) -> None:
        """Start the processes now (spawning takes a few hundred ms) rather than on the first PIN."""
        self._pool.submit(_ready).result(timeout=60)

    def submit(self, pin_hash: str, pin: str) -> Future:
        return self._pool.submit(verify, pin_hash, pin)

    def verify(self, pin_hash: str, pin: str) -> bool:
        """Raises when the pool cannot answer (the caller then verifies in the step); a pool whose process
        died is replaced for the next PIN."""
        try:
            return bool(self.submit(pin_hash, pin).result(timeout=self.TIMEOUT_S))
        except BrokenProcessPool:
            broken, self._pool = self._pool, self._new_pool()
            broken.shutdown(wait=False, cancel_futures=True)
            raise

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)  # an argon2 check in progress takes < 0.1 s
