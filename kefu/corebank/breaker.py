"""A circuit breaker for calls to the bank's service bus.

closed: calls go through; ``failure_threshold`` consecutive failures (timeouts, connection errors,
5xx) open it. open: calls fail at once with ``corebank.circuit_open`` for ``reset_seconds``. half-open:
after that, up to ``half_open_calls`` trial calls go through; a success closes the breaker, a failure
opens it again for another ``reset_seconds``.

State is per process (one breaker per base URL, shared by every ``HttpCoreBank`` in the process): each
web worker learns on its own that the core is down, which costs at most ``failure_threshold`` slow calls
per worker and needs no shared store that could itself fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(self, *, failure_threshold: int = 5, reset_seconds: float = 30.0, half_open_calls: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1 or reset_seconds <= 0 or half_open_calls < 1:
            raise ValueError("breaker thresholds must be positive")
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.half_open_calls = half_open_calls
        self.clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trials = 0
        self.opened_count = 0  # how often it opened (for /readyz and the benchmark)

    @property
    def state(self) -> str:
        with self._lock:
            return self._current_state()

    def _current_state(self) -> str:
        if self._state == OPEN and self.clock() - self._opened_at >= self.reset_seconds:
            self._state, self._trials = HALF_OPEN, 0
        return self._state

    def allow(self) -> bool:
        """Whether a call may go out now (a half-open breaker admits a limited number of trials)."""
        with self._lock:
            state = self._current_state()
            if state == CLOSED:
                return True
            if state == HALF_OPEN and self._trials < self.half_open_calls:
                self._trials += 1
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._state, self._failures, self._trials = CLOSED, 0, 0

    def record_failure(self) -> None:
        with self._lock:
            state = self._current_state()
            self._failures += 1
            if state == HALF_OPEN or self._failures >= self.failure_threshold:
                self._state, self._opened_at, self._trials = OPEN, self.clock(), 0
                if state != OPEN:
                    self.opened_count += 1

    def retry_after(self) -> float:
        with self._lock:
            if self._current_state() != OPEN:
                return 0.0
            return max(0.0, self.reset_seconds - (self.clock() - self._opened_at))


_BREAKERS: dict[str, CircuitBreaker] = {}
_REGISTRY_LOCK = threading.Lock()


def breaker_for(base_url: str) -> CircuitBreaker:
    """The process-wide breaker of one service-bus base URL (thresholds from ``kefu.corebank.conf``)."""
    from . import conf

    with _REGISTRY_LOCK:
        breaker = _BREAKERS.get(base_url)
        if breaker is None:
            breaker = _BREAKERS[base_url] = CircuitBreaker(
                failure_threshold=conf.breaker_failures(), reset_seconds=conf.breaker_reset_seconds(),
                half_open_calls=conf.breaker_half_open_calls())
        return breaker


def all_breakers() -> dict[str, CircuitBreaker]:
    with _REGISTRY_LOCK:
        return dict(_BREAKERS)
