"""compare(): claims judged against each fact's state and the evidence on record, table-driven.

Claims here are built by hand (no text): the rules of ``bot/facts/compare.py`` one by one, each
with a counter-example.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue, SeedError
from bot.facts.compare import Judgement, Reports, compare, resolve
from bot.facts.evidence import EvidencePolicy, Prior, Report, Source, SourceBook, Tier, check_prior
from bot.facts.layers import implied_values
from bot.facts.model import (
    Change,
    ChangeStatus,
    Claim,
    FactState,
    FactValue,
    Modality,
    Relative,
    Strength,
)

A, P, H = Modality.ASSERTED, Modality.PROPOSED, Modality.HISTORICAL
FIRM, WEAK = Strength.FIRM, Strength.WEAK
SINCE = datetime(2025, 5, 2, tzinfo=UTC)
LATER = datetime(2025, 6, 1, tzinfo=UTC)
EARLIER = datetime(2025, 4, 1, tzinfo=UTC)
US, CN, FENT, TALKS = (
    "us-tariff-china",
    "china-tariff-us",
    "us-fentanyl-tariff-china",
    "trade-talks",
)
CHANGED, REPORTED, CONFIRMED = ChangeStatus.CHANGED, ChangeStatus.REPORTED, ChangeStatus.CONFIRMED
PROPOSED, CORRECTED = ChangeStatus.PROPOSED, ChangeStatus.CORRECTED
NOTED = ChangeStatus.NOTED
OUTLET = Source("daily.example", Tier.OUTLET)
ROOT = Path(__file__).resolve().parents[2]


def state(catalogue: Catalogue, **overrides: FactValue | FactState) -> dict[str, FactState]:
    current = {k: FactState(f.baseline, SINCE) for k, f in catalogue.items()}
    for key, value in overrides.items():
        current[key.replace("_", "-")] = (
            value if isinstance(value, FactState) else FactState(value, SINCE)
        )
    return current


def claim(
    fact: str,
    value: FactValue,
    modality: Modality = A,
    *,
    strength: Strength = FIRM,
    previous: FactValue | None = None,
    relative: Relative | None = None,
) -> Claim:
    return Claim(
        fact,
        value,
        modality,
        "evidence",
        previous=previous,
        strength=strength,
        relative=relative,
    )


def level(fact: str, value: float) -> Claim:
    return Claim(fact, value, A, "evidence", strength=WEAK, event=False)


def judged(
    catalogue: Catalogue,
    claims: list[Claim],
    *,
    when: datetime = LATER,
    source: Source = OUTLET,
    reports: tuple[Report, ...] = (),
    policy: EvidencePolicy | None = None,
    **overrides: FactValue | FactState,
) -> list[tuple[str, object, object, ChangeStatus]]:
    how = Judgement(when, source, Reports(reports), policy or EvidencePolicy())
    changes = compare(claims, state(catalogue, **overrides), catalogue, how)
    return [(c.fact_id, c.old, c.new, c.status) for c in changes]


CASES = [
    # (claims, published, expected [(fact, old, new, status)])
    ([claim(US, 30.0)], LATER, [(US, 145.0, 30.0, CHANGED)]),
    ([claim(US, 145.0)], LATER, [(US, 145.0, 145.0, CONFIRMED)]),
    ([claim(US, 50.0, P)], LATER, [(US, 145.0, 50.0, PROPOSED)]),
    ([claim(US, 145.0, P)], LATER, []),
    ([claim(US, 145.0, H), claim(CN, 84.0, H)], LATER, []),
    # an entry older than the current value never changes it
    ([claim(US, 104.0)], EARLIER, []),
    ([claim(US, 145.0)], EARLIER, [(US, 145.0, 145.0, CONFIRMED)]),
    # asserted beats proposed; at most one change per fact
    ([claim(US, 50.0, P), claim(US, 30.0)], LATER, [(US, 145.0, 30.0, CHANGED)]),
    (
        [claim(US, 30.0), claim(US, 30.0), claim(US, 145.0)],
        LATER,
        [(US, 145.0, 30.0, CHANGED)],
    ),
    # state precedence: the most advanced event of the entry wins
    (
        [claim(TALKS, "held"), claim(TALKS, "agreement"), claim(TALKS, "scheduled")],
        LATER,
        [(TALKS, "evaluating", "agreement", CHANGED)],
    ),
    # among claims of the winning state or month the firm one decides (a headline's own plan
    # is weak)
    (
        [claim(TALKS, "held", strength=WEAK), claim(TALKS, "held")],
        LATER,
        [(TALKS, "evaluating", "held", CHANGED)],
    ),
    (
        [
            claim("china-precursor-controls", "2025-06", strength=WEAK),
            claim("china-precursor-controls", "2025-06"),
        ],
        LATER,
        [("china-precursor-controls", "2024-09", "2025-06", CHANGED)],
    ),
    # months: the latest named wins
    (
        [
            claim("china-precursor-controls", "2025-03"),
            claim("china-precursor-controls", "2025-06"),
        ],
        LATER,
        [("china-precursor-controls", "2024-09", "2025-06", CHANGED)],
    ),
    # people compare without case or spacing differences
    (
        [claim("china-fentanyl-envoy", "wang  xiaohong")],
        LATER,
        [("china-fentanyl-envoy", "Wang Xiaohong", "wang  xiaohong", CONFIRMED)],
    ),
    # a weak claim alone is a report, a firm one a change
    ([claim(US, 30.0, strength=WEAK)], LATER, [(US, 145.0, 30.0, REPORTED)]),
    # relative claims resolve against the current value
    ([claim(US, -115.0, relative=Relative.ADD)], LATER, [(US, 145.0, 30.0, CHANGED)]),
    ([claim(FENT, 0.5, relative=Relative.MULTIPLY)], LATER, [(FENT, 20.0, 10.0, CHANGED)]),
    ([claim(US, -200.0, relative=Relative.ADD)], LATER, []),
    # a prior that fits is fine; one that fits nothing is only noted (evidence, shown to nobody)
    ([claim(US, 30.0, previous=145.0)], LATER, [(US, 145.0, 30.0, CHANGED)]),
    ([claim(US, 30.0, previous=54.0)], LATER, [(US, 145.0, 30.0, NOTED)]),
    # a level mentioned in passing ("tariffs stand at 30%") is no change event: noted
    ([level(US, 30.0)], LATER, [(US, 145.0, 30.0, NOTED)]),
]


@pytest.mark.parametrize(("claims", "published", "expected"), CASES)
def test_compare_rules(
    catalogue: Catalogue, claims: list, published: datetime, expected: list
) -> None:
    assert judged(catalogue, claims, when=published) == expected


def test_compare_uses_the_current_state_not_the_baseline(catalogue: Catalogue) -> None:
    assert judged(catalogue, [claim(US, 30.0)], us_tariff_china=30.0) == [
        (US, 30.0, 30.0, CONFIRMED)
    ]
    assert judged(catalogue, [claim(US, 145.0)], us_tariff_china=30.0) == [
        (US, 30.0, 145.0, CHANGED)
    ]


def test_opinion_sources_only_propose(catalogue: Catalogue) -> None:
    opinion = Source("views.example", Tier.OPINION)
    assert judged(catalogue, [claim(US, 30.0)], source=opinion) == [(US, 145.0, 30.0, PROPOSED)]


def test_outlets_alone_can_be_switched_off(catalogue: Catalogue) -> None:
    strict = EvidencePolicy(alone=frozenset({Tier.OFFICIAL}))
    assert judged(catalogue, [claim(US, 30.0)], policy=strict) == [(US, 145.0, 30.0, REPORTED)]
    official = Source("whitehouse.gov", Tier.OFFICIAL)
    assert judged(catalogue, [claim(US, 30.0)], source=official, policy=strict) == [
        (US, 145.0, 30.0, CHANGED)
    ]


def report(value: FactValue, domain: str, key: str = "e1", hours: float = 5) -> Report:
    return Report(US, value, domain, key, LATER - timedelta(hours=hours), "reported")


def test_two_independent_sources_move_a_fact(catalogue: Catalogue) -> None:
    weak = [claim(US, 30.0, strength=WEAK)]
    other = (report(30.0, "wire.example"),)
    how = Judgement(LATER, OUTLET, Reports(other))
    changes = compare(weak, state(catalogue), catalogue, how)
    assert [(c.status, c.sources, c.supports) for c in changes] == [(CHANGED, 2, ("e1",))]
    # a report of another value, or from the same domain, does not count
    for reports in ((report(75.0, "wire.example"),), (report(30.0, "daily.example"),)):
        assert judged(catalogue, weak, reports=reports) == [(US, 145.0, 30.0, REPORTED)]


def test_two_levels_in_passing_never_move_a_fact(catalogue: Catalogue) -> None:
    noted = (Report(US, 55.0, "wire.example", "e1", LATER - timedelta(hours=2), "noted"),)
    assert judged(catalogue, [level(US, 55.0)], reports=noted) == [(US, 145.0, 55.0, NOTED)]
    # but a stated change corroborated by a level in passing does
    weak = [claim(US, 55.0, strength=WEAK)]
    assert judged(catalogue, weak, reports=noted) == [(US, 145.0, 55.0, CHANGED)]


def test_a_relative_claim_retelling_the_last_change_confirms_it(catalogue: Catalogue) -> None:
    cut = FactState(10.0, LATER - timedelta(hours=3), "e0", previous=20.0, history=(20.0,))
    retold = [claim(FENT, -10.0, relative=Relative.ADD)]
    assert judged(catalogue, retold, us_fentanyl_tariff_china=cut) == [
        (FENT, 10.0, 10.0, CONFIRMED)
    ]
    weeks_later = FactState(10.0, LATER - timedelta(days=20), "e0", previous=20.0)
    assert judged(catalogue, retold, us_fentanyl_tariff_china=weeks_later) == [
        (FENT, 10.0, 0.0, CHANGED)
    ]


def test_stale_priors_retell_old_transitions(catalogue: Catalogue) -> None:
    now = FactState(30.0, SINCE, "e0", previous=145.0, history=(145.0,))
    # "raised to 145% from 125%", republished after the cut: nothing
    assert judged(catalogue, [claim(US, 145.0, previous=125.0)], us_tariff_china=now) == []
    assert check_prior(145.0, 125.0, now) is Prior.STALE
    # a prior equal to the value in force is consistent
    assert check_prior(20.0, 30.0, now) is Prior.CONSISTENT


def test_a_contradicted_change_is_corrected_on_corroboration(catalogue: Catalogue) -> None:
    misread = FactState(75.0, SINCE, "e0", previous=145.0, history=(145.0,))
    right = [claim(US, 30.0, previous=145.0)]
    assert judged(catalogue, right, us_tariff_china=misread) == [(US, 75.0, 30.0, REPORTED)]
    reports = (report(30.0, "wire.example"),)
    how = Judgement(LATER, OUTLET, Reports(reports))
    (change,) = compare(right, state(catalogue, us_tariff_china=misread), catalogue, how)
    assert (change.status, change.old, change.new, change.corrects) == (CORRECTED, 75.0, 30.0, "e0")
    official = Source("ustr.gov", Tier.OFFICIAL)
    assert judged(catalogue, right, source=official, us_tariff_china=misread) == [
        (US, 75.0, 30.0, CORRECTED)
    ]


def test_a_part_moves_its_whole_implied_level(catalogue: Catalogue) -> None:
    current = state(catalogue, us_tariff_china=30.0)
    cut = Change(FENT, 20.0, 10.0, CHANGED, "e")
    assert implied_values([cut], current, catalogue) == {US: 20.0}
    both = [cut, Change(US, 30.0, 20.0, CHANGED, "e")]
    assert implied_values(both, current, catalogue) == {}
    implied = FactState(30.0, SINCE, previous=145.0, implied=20.0)
    # "raised to 35% from 20%": the prior is the implied level, so it is consistent
    assert judged(catalogue, [claim(US, 35.0, previous=20.0)], us_tariff_china=implied) == [
        (US, 30.0, 35.0, CHANGED)
    ]
    # the implied level itself, even stated weakly, moves the whole
    assert judged(catalogue, [claim(US, 20.0, strength=WEAK)], us_tariff_china=implied) == [
        (US, 30.0, 20.0, CHANGED)
    ]


def test_a_whole_reported_moved_first_is_not_moved_again_by_its_part(catalogue: Catalogue) -> None:
    """ "The combined rate falls to 20% from 30%" moved the whole; the order cutting the opioid
    layer by 10 points two days later is that same move, not a second one (months later it
    would be)."""
    cut = Change(FENT, 20.0, 10.0, CHANGED, "e")
    whole = FactState(20.0, LATER - timedelta(days=2), previous=30.0)
    current = state(catalogue, us_tariff_china=whole)
    assert implied_values([cut], current, catalogue, LATER) == {}
    months = state(catalogue, us_tariff_china=FactState(20.0, SINCE, previous=30.0))
    assert implied_values([cut], months, catalogue, LATER + timedelta(days=90)) == {US: 10.0}


def test_a_whole_below_its_parts_in_force_is_a_part_read_as_the_whole(
    catalogue: Catalogue,
) -> None:
    # the fentanyl layer is 20%: a tariff on most goods of 10% can only be another part of it
    assert judged(catalogue, [claim(US, 10.0, previous=145.0)]) == [(US, 145.0, 10.0, NOTED)]
    assert judged(catalogue, [claim(US, 10.0)], source=Source("gov.example", Tier.OFFICIAL)) == [
        (US, 145.0, 10.0, NOTED)
    ]
    # at or above the layer it moves as any firm claim does
    assert judged(catalogue, [claim(US, 20.0)]) == [(US, 145.0, 20.0, CHANGED)]
    # the same entry lowering the layer first lowers the floor with it
    both = [claim(FENT, 0.0), claim(US, 10.0)]
    assert judged(catalogue, both) == [(US, 145.0, 10.0, CHANGED), (FENT, 20.0, 0.0, CHANGED)]
    # a layer only reported does not lower it
    reported = [claim(FENT, 0.0, strength=WEAK), claim(US, 10.0)]
    assert judged(catalogue, reported) == [(US, 145.0, 10.0, NOTED), (FENT, 20.0, 0.0, REPORTED)]


def test_relative_claims_need_arithmetic(catalogue: Catalogue) -> None:
    fact = catalogue[TALKS]
    assert resolve(fact, claim(TALKS, 0.5, relative=Relative.MULTIPLY), "held") is None


def test_source_book_tiers_by_longest_domain() -> None:
    book = SourceBook({"official": ["gov.cn", "whitehouse.gov"], "wire": ["example.com"],
                       "opinion": ["opinion.example.com"]})  # fmt: skip
    assert book.source_of("https://www.whitehouse.gov/briefings/x").tier is Tier.OFFICIAL
    assert book.source_of("http://english.mofcom.gov.cn/a").tier is Tier.OFFICIAL
    assert book.source_of("https://news.example.com/a").tier is Tier.WIRE
    assert book.source_of("https://opinion.example.com/a").tier is Tier.OPINION
    assert book.source_of("https://notgov.cn.example/a").tier is Tier.OUTLET
    assert book.source_of("", fallback="feed-a") == Source("feed-a", Tier.OUTLET)


def test_the_level_moved_from_the_value_in_force_is_the_entry_s(catalogue: Catalogue) -> None:
    """An item that gives one layer's rate in force and the whole's move "to 30% from 145%"
    (145% in force) speaks of the whole in the latter, whatever the order or the firmness."""
    layer = claim(US, 34.0)
    whole = claim(US, 30.0, previous=145.0, strength=WEAK)
    assert judged(catalogue, [layer, whole])[0][2] == 30.0
    # a prior that is not the value in force decides nothing
    stale = claim(US, 30.0, previous=125.0, strength=WEAK)
    assert judged(catalogue, [layer, stale])[0][2] == 34.0


def test_a_level_its_verb_moves_the_other_way_is_another_measure(catalogue: Catalogue) -> None:
    """ "Cuts tariffs to 60%" while 40% is in force counts something else (older duties too):
    noted, never a change; the same verb towards a lower level moves the fact."""
    up_by_a_cut = replace(claim(US, 60.0), direction=-1)
    assert judged(catalogue, [up_by_a_cut], us_tariff_china=40.0) == [(US, 40.0, 60.0, NOTED)]
    down_by_a_cut = replace(claim(US, 25.0), direction=-1)
    assert judged(catalogue, [down_by_a_cut], us_tariff_china=40.0) == [(US, 40.0, 25.0, CHANGED)]
    down_by_a_raise = replace(claim(CN, 15.0), direction=1)
    assert judged(catalogue, [down_by_a_raise], china_tariff_us=40.0)[0][3] is NOTED


def test_a_move_missed_and_told_late_waits_for_a_second_source(catalogue: Catalogue) -> None:
    """ "Last month the US cut its levies to 40% from 90%" while 90% is in force: a change the
    fact never made, reported (weak) until a second source; a past move from another value, or
    to a value the fact had before, says nothing."""
    told = claim(US, 40.0, H, previous=90.0)
    assert judged(catalogue, [told], us_tariff_china=90.0) == [(US, 90.0, 40.0, REPORTED)]
    other = report(40.0, "second.example")
    assert judged(catalogue, [told], reports=(other,), us_tariff_china=90.0)[0][3] is CHANGED
    assert judged(catalogue, [claim(US, 40.0, H, previous=70.0)], us_tariff_china=90.0) == []


def test_the_value_moved_from_the_value_in_force_takes_its_firmest_claim(
    catalogue: Catalogue,
) -> None:
    """A firm headline "to 30%" and a weak body "said he would cut it to 30% from 145%": the
    value is the move from the value in force; its firm claim decides, with the body's prior."""
    headline = claim(US, 30.0)
    body = claim(US, 30.0, strength=WEAK, previous=145.0)
    assert judged(catalogue, [body, headline]) == [(US, 145.0, 30.0, CHANGED)]


def test_a_stage_behind_the_one_just_set_is_the_story_retold(catalogue: Catalogue) -> None:
    """The round "held" the day after its deal set the talks at agreement retells the round: noted,
    not a step back; a week on, the same claim is a new round."""
    deal = FactState("agreement", LATER - timedelta(hours=20), entry_key="deal")
    held = claim("trade-talks", "held")
    assert judged(catalogue, [held], trade_talks=deal)[0][3] is NOTED
    old_deal = replace(deal, since=LATER - timedelta(days=7))
    assert judged(catalogue, [held], trade_talks=old_deal)[0][3] is CHANGED


def test_the_value_just_left_told_again_soon_is_retold_not_a_move_back(
    catalogue: Catalogue,
) -> None:
    """An hour after a ruling ended the fentanyl duty (10 -> 0), an outlet's firm "the 10% duty"
    with no prior is the old value retold: noted. An official source, or the same claim a week
    later, moves the fact back."""
    ended = FactState(0.0, LATER - timedelta(hours=1), entry_key="ruling", previous=10.0)
    again = claim(FENT, 10.0)
    assert judged(catalogue, [again], us_fentanyl_tariff_china=ended) == [(FENT, 0.0, 10.0, NOTED)]
    official = Source("whitehouse.gov", Tier.OFFICIAL)
    assert judged(catalogue, [again], source=official, us_fentanyl_tariff_china=ended)[0][3] is (
        CHANGED
    )
    week_on = replace(ended, since=LATER - timedelta(days=7))
    assert judged(catalogue, [again], us_fentanyl_tariff_china=week_on)[0][3] is CHANGED


def test_a_meeting_dated_ahead_opens_the_next_round(catalogue: Catalogue) -> None:
    """A meeting "scheduled" the day after a round was held retells that round's setting: noted;
    one set for a date ahead is the next round, and moves the fact."""
    round_held = FactState("held", LATER - timedelta(hours=20), entry_key="round")
    retold = claim("trade-talks", "scheduled")
    assert judged(catalogue, [retold], trade_talks=round_held)[0][3] is NOTED
    ahead = replace(retold, effective=(LATER + timedelta(days=2)).date())
    assert judged(catalogue, [ahead], trade_talks=round_held)[0][3] is CHANGED


def test_a_stage_reached_again_weeks_later_is_the_next_round(catalogue: Catalogue) -> None:
    """Talks "held" three weeks after an entry set them held are the next round, held: a change;
    two days after, the same round retold: confirmed; a weak mention weeks later moves nothing."""
    last_round = FactState("held", LATER - timedelta(days=21), entry_key="london")
    held = claim("trade-talks", "held")
    assert judged(catalogue, [held], trade_talks=last_round) == [(TALKS, "held", "held", CHANGED)]
    same_round = replace(last_round, since=LATER - timedelta(days=2))
    assert judged(catalogue, [held], trade_talks=same_round)[0][3] is CONFIRMED
    mention = claim("trade-talks", "held", strength=WEAK)
    assert judged(catalogue, [mention], trade_talks=last_round)[0][3] is CONFIRMED


def test_a_delta_told_when_the_announced_cut_takes_effect_retells_it(catalogue: Catalogue) -> None:
    """A cut announced, then "in force from today, down 10 points" eleven days later: the same
    move, not a second one."""
    cut = FactState(20.0, LATER - timedelta(days=11), entry_key="announced", previous=30.0)
    again = claim(US, -10.0, relative=Relative.ADD)
    assert judged(catalogue, [again], us_tariff_china=cut) == [(US, 20.0, 20.0, CONFIRMED)]


def test_a_fact_may_trust_only_official_sources_alone(catalogue: Catalogue) -> None:
    envoy = "china-fentanyl-envoy"
    assert catalogue[envoy].alone == ("official",)
    named = [claim(envoy, "Li Ming")]
    assert judged(catalogue, named) == [(envoy, "Wang Xiaohong", "Li Ming", REPORTED)]
    official = Source("mps.gov.cn", Tier.OFFICIAL)
    assert judged(catalogue, named, source=official) == [
        (envoy, "Wang Xiaohong", "Li Ming", CHANGED)
    ]
    second = (
        Report(envoy, "Li Ming", "wire.example", "e1", LATER - timedelta(hours=3), "reported"),
    )
    assert judged(catalogue, named, reports=second) == [
        (envoy, "Wang Xiaohong", "Li Ming", CHANGED)
    ]


def test_a_facts_trusted_tiers_are_checked_when_the_seeds_load(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (ROOT / "seeds" / "facts.yaml").read_text(encoding="utf-8")
    (seeds / "facts.yaml").write_text(text.replace("alone: [official]", "alone: [embassy]"))
    with pytest.raises(SeedError, match=r"china-fentanyl-envoy.*alone"):
        Catalogue.load(seeds)


def test_a_correction_notice_saying_the_old_value_holds_corrects(catalogue: Catalogue) -> None:
    misread = FactState(0.0, LATER - timedelta(hours=20), "e0", previous=20.0, history=(20.0,))
    holds = replace(level(FENT, 20.0), correction=True)
    (change,) = compare(
        [holds],
        state(catalogue, us_fentanyl_tariff_china=misread),
        catalogue,
        Judgement(LATER, OUTLET),
    )
    assert (change.status, change.new, change.corrects) == (CORRECTED, 20.0, "e0")
    # without the notice, a level in passing is only noted; another value is no restoring
    assert judged(catalogue, [level(FENT, 20.0)], us_fentanyl_tariff_china=misread) == [
        (FENT, 0.0, 20.0, NOTED)
    ]
    other = replace(level(FENT, 15.0), correction=True)
    assert judged(catalogue, [other], us_fentanyl_tariff_china=misread) == [
        (FENT, 0.0, 15.0, NOTED)
    ]
