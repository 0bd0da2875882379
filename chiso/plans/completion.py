"""Completion rates of plan tasks: the arithmetic behind the ``plan.*`` and ``task.*`` facts.

Pure functions over plain records, so the numbers can be checked by hand. The rule:

- a task *counts* on the day ``as_of`` when its deadline has come (deadline ≤ as_of) or it has
  already been completed; tasks not yet due and not done are left out rather than counted as
  failures;
- *done* = completed on or before ``as_of``; *done on time* = completed on or before the
  deadline (the deadline day itself is on time);
- rates are percentages of the counted tasks, rounded half up to two decimals (82,22%).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class TaskRecord:
    id: int
    deadline: datetime.date
    completed_on: datetime.date | None
    assigned_by_ppc: bool = False


@dataclass
class Completion:
    """Counts over a set of tasks and the ids behind each, so every rate links to its list."""

    counted: list[int] = field(default_factory=list)
    done: list[int] = field(default_factory=list)
    on_time: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)
    not_done: list[int] = field(default_factory=list)

    @property
    def done_rate(self) -> Decimal | None:
        return rate(len(self.done), len(self.counted))

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(len(self.on_time), len(self.counted))

    @property
    def late_rate(self) -> Decimal | None:
        return rate(len(self.late), len(self.counted))

    @property
    def not_done_rate(self) -> Decimal | None:
        return rate(len(self.not_done), len(self.counted))


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage with two decimals; None when nothing is counted."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP)


def counts_on(task: TaskRecord, as_of: datetime.date) -> bool:
    done = task.completed_on is not None and task.completed_on <= as_of
    return task.deadline <= as_of or done


def completion(tasks: Iterable[TaskRecord], as_of: datetime.date) -> Completion:
    out = Completion()
    for task in tasks:
        if not counts_on(task, as_of):
            continue
        out.counted.append(task.id)
        if task.completed_on is not None and task.completed_on <= as_of:
            out.done.append(task.id)
            (out.on_time if task.completed_on <= task.deadline else out.late).append(task.id)
        else:
            out.not_done.append(task.id)
    return out
