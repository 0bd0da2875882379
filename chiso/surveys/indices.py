"""Survey indices and quality flags: pure functions over plain data (no Django import).

Method (sipas.md §5, the standard SIPAS practice):

- a question's satisfaction % = answers 4 "Hài lòng" + 5 "Rất hài lòng" over valid answers × 100;
  "no opinion" (0) is either left out of the denominator (``NoOpinion.EXCLUDE``, the default)
  or counted as not satisfied (``NoOpinion.COUNT``) — the method leaves it open, so it is a
  campaign setting;
- an element index is the mean of its questions' percentages; the overall index (SIPAS) is the
  mean of the element indices, equal weights;
- expectation (priority) questions are reported as the share of respondents who picked each
  option, ranked;
- a 95 % Wilson score interval goes with every percentage (it stays inside 0–100 and behaves
  for small counts, unlike the normal approximation);
- a cell with fewer valid answers than the minimum is hidden, so nobody can read one person's
  answer from a small table.

Percentages are ``Decimal`` rounded half-up to 2 places.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from chiso.surveys.spec import NO_OPINION, Question, Questionnaire, Section

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
Z95 = Decimal("1.959964")
SATISFIED = frozenset({4, 5})


class NoOpinion(enum.StrEnum):
    EXCLUDE = "exclude"
    COUNT = "count"


@dataclass(frozen=True)
class ResponseData:
    """One counted response, without anything that identifies the respondent."""

    id: int
    agency: str
    group: str
    channel: str
    answers: Mapping[str, Any]
    seconds: int | None = None  # time from first page to submission (online only)
    fingerprint: str = ""  # e.g. a hash of the IP of an open-link response, "" if none
    cell_order: int = 0  # position among responses of its quota cell (submission order)


@dataclass(frozen=True)
class Share:
    """``count`` of ``valid`` as a percentage with its 95 % Wilson interval."""

    count: int
    valid: int
    percent: Decimal | None
    low: Decimal | None
    high: Decimal | None

    def hidden(self, min_count: int) -> bool:
        return self.valid < min_count


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def wilson(count: int, valid: int, z: Decimal = Z95) -> tuple[Decimal, Decimal]:
    """The Wilson score interval of ``count``/``valid`` in percent (Wilson 1927)."""
    with localcontext() as ctx:
        ctx.prec = 28
        n = Decimal(valid)
        p = Decimal(count) / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt() / denominator
        return _round(max(centre - half, Decimal(0)) * HUNDRED), _round(
            min(centre + half, Decimal(1)) * HUNDRED
        )


def share(count: int, valid: int) -> Share:
    if valid == 0:
        return Share(count, 0, None, None, None)
    low, high = wilson(count, valid)
    return Share(count, valid, _round(Decimal(count) * HUNDRED / valid), low, high)


def satisfaction(values: Iterable[int], no_opinion: NoOpinion = NoOpinion.EXCLUDE) -> Share:
    """Satisfied (4, 5) over valid answers of one scale question."""
    counted = [v for v in values if v != NO_OPINION or no_opinion is NoOpinion.COUNT]
    return share(sum(1 for v in counted if v in SATISFIED), len(counted))


def mean(values: Sequence[Decimal | None]) -> Decimal | None:
    """The mean of the known values, or None when there is none."""
    known = [v for v in values if v is not None]
    return _round(sum(known, Decimal(0)) / len(known)) if known else None


def question_share(
    question: Question, responses: Iterable[ResponseData], no_opinion: NoOpinion
) -> Share:
    return satisfaction(
        (r.answers[question.code] for r in responses if question.code in r.answers), no_opinion
    )


@dataclass
class ElementIndex:
    section: Section
    index: Decimal | None
    questions: list[tuple[Question, Share]]
    valid: int  # respondents with at least one valid answer in the element


@dataclass
class Indices:
    """Every index of one group of responses (an agency, a respondent group, a channel…)."""

    responses: int
    elements: list[ElementIndex]
    overall: Decimal | None  # mean of element indices
    other_questions: list[tuple[Question, Share]]  # scale questions outside elements
    facts: dict[str, Decimal] = field(default_factory=dict)  # survey fact name → value


def compute(
    questionnaire: Questionnaire,
    responses: Sequence[ResponseData],
    no_opinion: NoOpinion = NoOpinion.EXCLUDE,
) -> Indices:
    """Question, element and overall indices of ``responses`` (all for one questionnaire)."""
    elements: list[ElementIndex] = []
    others: list[tuple[Question, Share]] = []
    facts: dict[str, Decimal] = {}
    for section in questionnaire.sections:
        scored = [(q, question_share(q, responses, no_opinion)) for q in section.scale_questions]
        for q, s in scored:
            if q.fact and s.percent is not None:
                facts[q.fact] = s.percent
        if not section.fact:
            others.extend(scored)
            continue
        index = mean([s.percent for _q, s in scored])
        codes = {q.code for q in section.scale_questions}
        valid = sum(
            1
            for r in responses
            if any(
                c in r.answers and (r.answers[c] != NO_OPINION or no_opinion is NoOpinion.COUNT)
                for c in codes
            )
        )
        elements.append(ElementIndex(section, index, scored, valid))
        if index is not None:
            facts[section.fact] = index
    overall = mean([e.index for e in elements])
    if questionnaire.fact and overall is not None:
        facts[questionnaire.fact] = overall
    return Indices(len(responses), elements, overall, others, facts)


def by(
    responses: Iterable[ResponseData], key: Callable[[ResponseData], Hashable]
) -> dict[Any, list[ResponseData]]:
    """Responses grouped by ``key`` (agency, group, channel or a tuple of them)."""
    groups: dict[Any, list[ResponseData]] = defaultdict(list)
    for r in responses:
        groups[key(r)].append(r)
    return dict(groups)


def expectations(question: Question, responses: Sequence[ResponseData]) -> list[tuple[Any, Share]]:
    """Each option of a priority (or multiple-choice) question with the share of respondents
    who answered the question and picked it, most picked first (ties in option order)."""
    answered = [r.answers[question.code] for r in responses if question.code in r.answers]
    counts: Counter[int] = Counter(v for values in answered for v in values)
    ranked = sorted(question.options, key=lambda o: (-counts[o.value], o.value))
    return [(o, share(counts[o.value], len(answered))) for o in ranked]


def sample_size(population: int, margin: Decimal) -> int:
    """n = N / (1 + N·e²) rounded up (Yamane; BNV sampling guidance, sipas.md §4)."""
    if population <= 0:
        return 0
    exact = Decimal(population) / (1 + Decimal(population) * margin * margin)
    return int(exact.to_integral_value(rounding="ROUND_CEILING"))


# -- quality flags ------------------------------------------------------------------------


class Flag(enum.StrEnum):
    DUPLICATE = "duplicate"
    STRAIGHT_LINING = "straight_lining"
    OUT_OF_QUOTA = "out_of_quota"
    TOO_FAST = "too_fast"


@dataclass(frozen=True)
class QualityRules:
    straight_min_questions: int = 6  # same answer to this many scale questions or more
    seconds_per_answer: int = 2  # faster than this per answered question is implausible


def flags(
    questionnaire: Questionnaire,
    responses: Sequence[ResponseData],
    quotas: Mapping[tuple[str, str, str], int],
    rules: QualityRules = QualityRules(),
) -> dict[int, list[Flag]]:
    """The flags of each flagged response id. Duplicates: same answers (and same fingerprint
    when both have one) as an earlier response of the same agency — the later one is flagged.
    Straight-lining: one value for every answered scale question, at least
    ``straight_min_questions`` of them. Out of quota: beyond the target of its agency × group ×
    channel cell (or in a cell with no quota). Too fast: fewer seconds than
    ``seconds_per_answer`` per answered question."""
    out: dict[int, list[Flag]] = defaultdict(list)
    scale = [q.code for q in questionnaire.questions() if q.type == "scale"]
    seen: dict[tuple[Any, ...], int] = {}
    for r in sorted(responses, key=lambda r: r.id):
        key = (r.agency, r.fingerprint, tuple(sorted((k, repr(v)) for k, v in r.answers.items())))
        if r.answers and key in seen:
            out[r.id].append(Flag.DUPLICATE)
        seen.setdefault(key, r.id)
        values = [r.answers[c] for c in scale if c in r.answers]
        if len(values) >= rules.straight_min_questions and len(set(values)) == 1:
            out[r.id].append(Flag.STRAIGHT_LINING)
        target = quotas.get((r.agency, r.group, r.channel))
        if target is None or r.cell_order > target:
            out[r.id].append(Flag.OUT_OF_QUOTA)
        if r.seconds is not None and r.seconds < rules.seconds_per_answer * len(r.answers):
            out[r.id].append(Flag.TOO_FAST)
    return dict(out)
