"""The verifiable draw (core.draw): deterministic, order-free, exact ratios, no silent filling."""

import hashlib
from decimal import Decimal
from fractions import Fraction

import pytest

from tongban.core import draw


def test_seed_is_fixed_by_commitment_and_public_numbers():
    c = draw.commitment({"algorithm": draw.ALGORITHM, "objects": draw.list_hash(["a", "b"])})
    s1 = draw.seed_from(c, ["03", "17", "25"])
    assert s1 == hashlib.sha256(f"{c}|03,17,25".encode()).hexdigest()
    assert draw.seed_from(c, [" 03", "1 7", "25"]) == s1  # spaces as typed do not matter
    assert draw.seed_from(c, ["3", "17", "25"]) != s1  # leading zeros do
    with pytest.raises(ValueError):
        draw.seed_from(c, ["3a"])


def test_a_changed_list_changes_the_commitment():
    base = {"algorithm": draw.ALGORITHM, "ratio": "0.02"}
    one = draw.commitment({**base, "objects": draw.list_hash(["x1", "x2", "x3"])})
    same = draw.commitment({**base, "objects": draw.list_hash(["x3", "x1", "x2"])})
    other = draw.commitment({**base, "objects": draw.list_hash(["x1", "x2", "x4"])})
    assert one == same and one != other
    with pytest.raises(ValueError):
        draw.commitment({"objects": "…"})


def test_selection_is_deterministic_and_independent_of_list_order():
    ids = [f"obj:{i}" for i in range(500)]
    seed = "ab" * 32
    picked = draw.select(seed, "objects:high", ids, 7)
    assert picked == draw.select(seed, "objects:high", list(reversed(ids)), 7)
    assert picked == draw.ranked(seed, "objects:high", ids)[:7]
    assert len(set(picked)) == 7  # without replacement
    assert draw.select(seed, "objects:low", ids, 7) != picked  # labels give independent draws


@pytest.mark.parametrize(
    ("n", "ratio", "k"),
    [(150, "0.02", 3), (149, "0.02", 3), (100, "0.02", 2), (101, "0.01", 2), (1, "0.01", 1),
     (0, "0.3", 0), (10, "0", 0), (7, "1", 7), (3, Fraction(1, 3), 1), (10, Decimal("0.30"), 3)],
)
def test_sample_size_rounds_up_exactly(n, ratio, k):
    assert draw.sample_size(n, ratio) == k


def test_float_ratios_are_refused():
    with pytest.raises(TypeError):
        draw.sample_size(10, 0.1)


def test_short_pool_is_not_filled_up():
    got = draw.select_eligible("00" * 32, "inspectors:obj:1", ["u1", "u2", "u3"], 2,
                               lambda u: u != "u2" and u != "u3")
    assert got == ["u1"]


def test_every_member_can_be_drawn():
    # Equiprobable in practice: over many seeds each of 10 candidates is drawn about k/n of the time.
    counts = dict.fromkeys("abcdefghij", 0)
    for i in range(2000):
        for item in draw.select(hashlib.sha256(str(i).encode()).hexdigest(), "s", counts, 3):
            counts[item] += 1
    assert all(500 < c < 700 for c in counts.values())  # expectation 600


def test_a_team_walk_starts_at_an_offset_fixed_by_the_label():
    pool = draw.ranked("cd" * 32, "inspectors", [f"ins:{i}" for i in range(10)])
    start = draw.offset("cd" * 32, "inspectors:obj:1", len(pool))
    expected = int.from_bytes(hashlib.sha256(("cd" * 32 + "|inspectors:obj:1|").encode()).digest()[:8], "big") % 10
    assert start == expected
    assert draw.walk(pool, start) == pool[start:] + pool[:start]


def test_a_team_covers_required_specialties_first_and_never_fills_up():
    skills = {"a": {"电气"}, "b": set(), "c": {"结构"}, "d": set()}
    team, missing = draw.pick_team(["b", "d", "a", "c"], 2, lambda i: True, required=["结构", "电气"],
                                   skills=lambda i: skills[i])
    assert (team, missing) == (["a", "c"], None)  # 电气 then 结构, in sorted order
    team, missing = draw.pick_team(["b", "d", "a"], 2, lambda i: i != "d")
    assert team == ["b", "a"] and missing is None
    team, missing = draw.pick_team(["b", "d"], 2, lambda i: i != "d")
    assert team == ["b"]  # short: the caller refuses, nothing is filled with an ineligible one
    team, missing = draw.pick_team(["b", "d"], 2, lambda i: True, required=["结构"], skills=lambda i: skills[i])
    assert missing == "结构"
