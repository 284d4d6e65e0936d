"""The volume a cost crossing's counterfactual names: the one of two figures nearest today's that changes the answer,
found in a few rankings and proved by the last of them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from decider import Ruleset, decide, parse_workload
from decider.advice import ranked_with
from decider.documents import read_file
from decider.flip import MOST, Grid, gap, nearest_flip
from decider.ranking import Ranked
from decider.workload import Workload

ROOT = Path(__file__).resolve().parent.parent
TODAY, OTHER = "lambda", "ecs-fargate"


@dataclass
class _Scores:
    scores: dict[str, float]


@dataclass
class _Ranking:
    """What the search reads of a ranking: its order and its scores."""

    order: tuple[str, ...]
    evaluation: _Scores

    @property
    def recommendation(self) -> str | None:
        return self.order[0] if self.order else None


@dataclass
class _Volumes:
    """Rankings by volume: today's answer short of ``boundary`` (in the search's direction), the other past it, with
    a score gap that shrinks smoothly in log volume (``smooth``) or stays tied at zero on today's side."""

    boundary: float
    rising: bool
    smooth: bool = True
    tried: list[float] = field(default_factory=list)

    def __call__(self, volume: float) -> Ranked | None:
        self.tried.append(volume)
        past = volume >= self.boundary if self.rising else volume <= self.boundary
        lead = 6.0 * math.log(self.boundary / volume) * (1 if self.rising else -1) if self.smooth else 0.0
        lead = round(lead, 1)
        if past:
            order = (OTHER, TODAY)
            lead = min(lead, -0.1)
        else:
            order = (TODAY, OTHER)
            lead = max(lead, 0.0)
        return cast(Ranked, _Ranking(order, _Scores({TODAY: 50.0 + lead, OTHER: 50.0})))


def _grid(low: float, high: float) -> list[float]:
    """Every volume of two figures strictly between ``low`` and ``high``."""
    grid = Grid(rising=True)
    return [grid.volume(number) for number in range(grid.first(low), grid.number(high))]


@pytest.mark.parametrize("smooth", [True, False], ids=["gaps", "halving"])
@pytest.mark.parametrize("rising", [True, False], ids=["rising", "falling"])
def test_the_volume_said_is_the_nearest_of_two_figures_that_changes_the_answer(smooth: bool, rising: bool) -> None:
    now, crossing = (3.7e5, 2.4e7) if rising else (2.4e7, 3.7e5)
    boundaries = _grid(3.7e5, 2.4e7)
    trials: list[int] = []
    for boundary in boundaries:
        volumes = _Volumes(boundary, rising, smooth)
        gaps = (gap(volumes(now), TODAY, OTHER), gap(volumes(crossing), TODAY, OTHER)) if smooth else (None, None)
        volumes.tried.clear()
        found = nearest_flip(volumes, now, crossing, OTHER, gaps, TODAY)
        assert found is not None, boundary
        said, proof = found
        assert said == boundary  # exactly the first volume past the flip, to two figures
        assert proof.recommendation == OTHER
        assert said in volumes.tried
        assert len(volumes.tried) <= MOST
        trials.append(len(volumes.tried))
    if smooth:  # the line through the gaps finds most flips in a few rankings
        assert sum(trials) / len(trials) <= 4.5


def test_a_crossing_that_is_itself_the_nearest_flip_is_kept_as_it_was() -> None:
    volumes = _Volumes(boundary=2.0e6, rising=True)
    assert nearest_flip(volumes, 1.0e6, 2.0e6, OTHER) is None  # 1.9e6 keeps today's answer: nothing nearer
    assert 1.9e6 in volumes.tried


def test_volumes_that_cannot_be_ranked_count_as_keeping_the_answer() -> None:
    volumes = _Volumes(boundary=5.5e6, rising=True)

    def rank_at(volume: float) -> Ranked | None:
        return None if volume < 3e6 else volumes(volume)

    found = nearest_flip(rank_at, 1.0e6, 9.0e6, OTHER)
    assert found is not None
    assert found[0] == 5.5e6


def test_ten_decades_are_narrowed_to_the_one_volume_by_halving_alone() -> None:
    for boundary in (1.3, 47.0, 2.2e4, 9.9e8, 1.1e10):
        volumes = _Volumes(boundary, rising=True, smooth=False)
        found = nearest_flip(volumes, 1.0, 1.2e10, OTHER)
        assert found is not None
        assert found[0] == boundary
        assert len(volumes.tried) <= MOST


@dataclass
class _Creeping(_Volumes):
    """Scores that barely move for decades, then jump past the flip: a line through the gaps lands near today's
    volume every time."""

    def __call__(self, volume: float) -> Ranked | None:
        self.tried.append(volume)
        past = volume >= self.boundary
        lead = -20.0 if past else 0.1
        order = (OTHER, TODAY) if past else (TODAY, OTHER)
        return cast(Ranked, _Ranking(order, _Scores({TODAY: 50.0 + lead, OTHER: 50.0})))


def test_scores_that_barely_move_still_close_the_bracket_on_the_nearest_volume() -> None:
    now, crossing = 2_590.0, 7.3e7
    for boundary in (3.3e3, 4.1e4, 9.5e5, 2.2e7, 7.2e7):
        volumes = _Creeping(boundary, rising=True)
        found = nearest_flip(volumes, now, crossing, OTHER, (0.1, -20.0), TODAY)
        assert found is not None
        assert found[0] == boundary
        assert len(volumes.tried) <= MOST


def test_the_grid_numbers_volumes_of_two_figures_outwards_from_today() -> None:
    up, down = Grid(rising=True), Grid(rising=False)
    assert up.volume(up.number(9.9e5) + 1) == 1.0e6
    assert up.volume(up.number(1.0e6) + 1) == 1.1e6
    assert up.volume(up.number(1.04e6)) == 1.1e6  # rounded away from today's volume
    assert down.volume(down.number(1.0e6) + 1) == 9.9e5
    assert down.volume(down.number(1.06e6)) == 1.0e6
    assert up.volume(up.first(2.0e6)) == 2.1e6
    assert down.volume(down.first(2.0e6)) == 1.9e6
    assert up.volume(up.first(2.05e6)) == 2.1e6
    assert down.volume(down.first(2.05e6)) == 2.0e6


def _scenarios() -> list[Path]:
    return sorted((ROOT / "tests" / "scenarios").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))


def test_every_crossing_counterfactual_names_the_nearest_volume_that_changes_the_answer(ruleset: Ruleset) -> None:
    """On the project's workloads: the volume said changes the answer, and the volume of two figures one step nearer
    today's does not."""
    checked = 0
    for path in _scenarios():
        data: Any = read_file(path)
        raw = data["workload"] if path.parent.name == "scenarios" else data
        parsed = parse_workload(raw)
        decision = decide(parsed, ruleset)
        now = max(parsed.workload.requests_per_month, 1.0)
        given = parsed.given
        assert given is not None

        def at(value: float, given: Workload = given) -> Ranked | None:
            return ranked_with(given, ruleset, {"traffic.requests_per_month": value})

        for item in decision.counterfactuals:
            if item.kind != "cost-crossing":
                continue
            volume = float(item.change["traffic.requests_per_month"])
            grid = Grid(rising=volume > now)
            nearer = grid.volume(grid.number(volume) - 1)
            said = at(volume)
            assert said is not None, item.message
            assert said.recommendation == item.recommendation, item.message
            if (nearer > now) if volume > now else (nearer < now):
                short = at(nearer)
                assert short is None or short.recommendation != item.recommendation, item.message
            checked += 1
    assert checked >= 10
