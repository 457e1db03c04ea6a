"""Erlang C: how many agents a queue needs for a service-level target.

With A = calls per interval x AHT / interval (offered load in Erlangs) and N agents (N > A):
P(wait) = (A^N/N! x N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! x N/(N-A));
service level = 1 - P(wait) x exp(-(N-A) x T / AHT); ASA = P(wait) x AHT / (N-A).
Computed with the stable recurrence of Erlang B (no factorials, no overflow for large N).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ErlangCResult:
    agents: int
    traffic_erlangs: float
    probability_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float


def erlang_b(traffic: float, agents: int) -> float:
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def erlang_c(*, calls: float, interval_seconds: float, aht_seconds: float, agents: int,
             target_seconds: float) -> ErlangCResult:
    if calls < 0 or interval_seconds <= 0 or aht_seconds <= 0 or agents < 0 or target_seconds < 0:
        raise ValueError("calls, agents and target must be >= 0; interval and AHT > 0")
    traffic = calls * aht_seconds / interval_seconds
    if agents <= traffic:
        # An overloaded queue: everyone waits and the queue grows without bound.
        return ErlangCResult(agents, traffic, 1.0, 0.0, math.inf, 1.0 if agents else 0.0)
    b = erlang_b(traffic, agents)
    p_wait = agents * b / (agents - traffic * (1 - b))
    sl = 1 - p_wait * math.exp(-(agents - traffic) * target_seconds / aht_seconds)
    asa = p_wait * aht_seconds / (agents - traffic)
    return ErlangCResult(agents, traffic, p_wait, sl, asa, traffic / agents)


def agents_needed(*, calls: float, interval_seconds: float, aht_seconds: float, target_seconds: float,
                  service_level: float, max_occupancy: float = 1.0, max_agents: int = 10_000) -> ErlangCResult:
    """The smallest N meeting the service level (and the occupancy ceiling, if given)."""
    traffic = calls * aht_seconds / interval_seconds
    n = max(int(math.floor(traffic)) + 1, 1)
    while n <= max_agents:
        result = erlang_c(calls=calls, interval_seconds=interval_seconds, aht_seconds=aht_seconds, agents=n,
                          target_seconds=target_seconds)
        if result.service_level >= service_level and result.occupancy <= max_occupancy:
            return result
        n += 1
    raise ValueError("target not reachable within max_agents")
