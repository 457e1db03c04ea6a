import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.contact.erlang import agents_needed, erlang_c


def naive_p_wait(a: float, n: int) -> float:
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_reference_example_from_the_issue():
    # 100 calls per 30 min, AHT 180 s, 14 agents, 20 s target -> SL 0.888, ASA 7.8 s (REFERENCE.md).
    r = erlang_c(calls=100, interval_seconds=1800, aht_seconds=180, agents=14, target_seconds=20)
    assert r.traffic_erlangs == pytest.approx(10.0)
    assert r.probability_wait == pytest.approx(0.17413, abs=5e-5)
    assert r.service_level == pytest.approx(0.88835, abs=5e-5)
    assert r.asa_seconds == pytest.approx(7.84, abs=0.01)


@given(st.floats(min_value=0.5, max_value=60), st.integers(min_value=1, max_value=80))
def test_recurrence_matches_the_textbook_formula(a, extra):
    n = int(a) + extra
    r = erlang_c(calls=a, interval_seconds=1, aht_seconds=1, agents=n, target_seconds=0)
    assert r.probability_wait == pytest.approx(naive_p_wait(a, n), rel=1e-9, abs=1e-12)


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=60, max_value=600))
def test_service_level_rises_with_agents(calls, aht):
    base = agents_needed(calls=calls, interval_seconds=1800, aht_seconds=aht, target_seconds=20, service_level=0.8)
    more = erlang_c(calls=calls, interval_seconds=1800, aht_seconds=aht, agents=base.agents + 1, target_seconds=20)
    assert base.service_level >= 0.8
    assert more.service_level >= base.service_level
    if base.agents > 1:
        fewer = erlang_c(calls=calls, interval_seconds=1800, aht_seconds=aht, agents=base.agents - 1,
                         target_seconds=20)
        assert fewer.service_level < 0.8


def test_overload_and_bad_input():
    r = erlang_c(calls=100, interval_seconds=1800, aht_seconds=180, agents=10, target_seconds=20)
    assert r.probability_wait == 1.0 and r.service_level == 0.0 and math.isinf(r.asa_seconds)
    with pytest.raises(ValueError):
        erlang_c(calls=1, interval_seconds=0, aht_seconds=1, agents=1, target_seconds=1)
