"""SeenIds: the compact id set behaves exactly like a Python set of strings."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from timetrack.source.seen_ids import SeenIds, numeric_key

_IDS = st.one_of(
    st.integers(0, 10**18 - 1).map(str),
    st.integers(0, 60).map(str),
    st.sampled_from(["007", "0", "00", "-5", "+5", "1e3", " 12", "١٢", "", "abc"]),
    st.integers(10**18, 10**20).map(str),
    st.text(max_size=4),
)

# JSON numbers: `update` and `in` take them as their decimal text.
_INT_IDS = st.one_of(st.integers(-5, 60), st.integers(-(10**20), 10**20))

_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("add_new"), st.lists(_IDS, max_size=30)),
        st.tuples(st.just("add_new_arrow"), st.lists(_IDS, max_size=30)),
        st.tuples(st.just("update"), st.lists(st.one_of(_IDS, _INT_IDS), max_size=30)),
        st.tuples(st.just("contains"), st.one_of(_IDS, _INT_IDS)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(_OPERATIONS)
def test_seen_ids_match_python_set(operations: list[tuple[str, object]]) -> None:
    seen = SeenIds()
    expected: set[str] = set()
    for name, argument in operations:
        if name == "contains":
            assert isinstance(argument, str | int)
            assert (argument in seen) == (str(argument) in expected)
            continue
        assert isinstance(argument, list)
        if name == "update":
            seen.update(argument)
            expected.update(str(entry_id) for entry_id in argument)
            continue
        ids = pa.array(argument, pa.string()) if name == "add_new_arrow" else argument
        new = seen.add_new(ids)
        want = []
        for entry_id in argument:
            want.append(entry_id not in expected)
            expected.add(entry_id)
        assert new == want
    assert len(seen) == len(expected)


def test_many_ids_flush_into_sorted_runs() -> None:
    seen = SeenIds()
    ids = [str(10_000 + number * 7) for number in range(20_000)]
    seen.update(ids[:9_000])
    assert seen.add_new(pa.array(ids[8_000:], pa.string())).count(True) == 11_000
    assert len(seen) == 20_000
    assert "10007" in seen
    assert "10008" not in seen
    assert seen.add_new(["10007", "10008", "10008"]) == [False, True, False]


def test_leading_zero_ids_stay_distinct() -> None:
    assert numeric_key("7") == 7
    assert numeric_key("007") is None
    assert numeric_key("0") == 0
    assert numeric_key("١٢") is None
    seen = SeenIds()
    assert seen.add_new(["7", "007", "07"]) == [True, True, True]
    assert len(seen) == 3


def test_numeric_ids_use_no_python_set() -> None:
    seen = SeenIds()
    seen.add_new(pa.array([str(number) for number in range(1, 50_001)]))
    assert len(seen) == 50_000
    assert sum(run.nbytes for run in seen._runs) == 50_000 * 8
    assert not seen._others
