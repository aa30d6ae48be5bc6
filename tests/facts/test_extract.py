"""Claims from text, table-driven: each rule with examples and counter-examples.

Every sentence here is written for these tests. A row gives the text, and the claims expected as
(fact, value, modality) for the facts listed; a fact listed with ``None`` must yield no claim.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength
from bot.facts.text import normalise_figures

A, P, H = Modality.ASSERTED, Modality.PROPOSED, Modality.HISTORICAL
JUNE = datetime(2025, 6, 10, 12, tzinfo=UTC)
US = "us-tariff-china"
CN = "china-tariff-us"
FENT = "us-fentanyl-tariff-china"
TALKS = "trade-talks"


def claims_by_fact(extractor: ClaimExtractor, text: str, when: datetime = JUNE) -> dict:
    out: dict[str, set] = {}
    for claim in extractor.extract(text, when):
        out.setdefault(claim.fact_id, set()).add((claim.value, claim.modality))
    return out


FIGURES = [
    # figures written as digits, words, "per cent"; "to X from Y", "from Y to X", "X, down from Y"
    (
        "Washington slashed its levies on Chinese products to thirty percent, down from 145 "
        "percent.",
        {US: {(30.0, A)}},
    ),
    ("Beijing trimmed duties on American goods from 125% to 10%.", {CN: {(10.0, A)}}),
    (
        "The levy the United States charges on imports from China now stands at 30 per cent.",
        {US: {(30.0, A)}},
    ),
    ("Duties on Chinese merchandise were lowered from 145 to 30 percent.", {US: {(30.0, A)}}),
    ("China will cut its tariffs to 10 percent, the commerce ministry said.", {CN: {(10.0, A)}}),
    (
        "Washington's duties on goods made in China come down to 30 percent, and Beijing's duties "
        "on American products go down to 10 percent.",
        {US: {(30.0, A)}, CN: {(10.0, A)}},
    ),
    # binding: target first, then actor; fentanyl qualifier; a part is not the whole
    (
        "The president cut the fentanyl levy on Chinese goods to 10 percent.",
        {FENT: {(10.0, A)}, US: None},
    ),
    (
        "Shoppers in China pay more. The duty linked to fentanyl trafficking will be halved to 10% "
        "from Nov. 10, officials said.",
        {FENT: {(10.0, A)}, US: None},
    ),
    (
        "Chinese goods face a 20 percent fentanyl-related tariff on top of a 10 percent reciprocal "
        "tariff.",
        {FENT: {(20.0, A)}, US: None},
    ),
    ("The reciprocal tariff on Chinese goods was cut to 10 percent.", {US: None, FENT: None}),
    ("Tariffs on Chinese steel and aluminum rose to 50 percent.", {US: None}),
    ("A lower levy on small parcels mailed from China, now 54 percent, took effect.", {US: None}),
    # other countries are not China
    ("The EU raised its tariffs on Chinese electric vehicles to 35 percent.", {US: None, CN: None}),
    ("Canada imposed a 100 percent tariff on Chinese EVs.", {US: None, CN: None}),
    ("India faces a 50 percent US tariff, higher than China.", {US: None}),
    (
        "Trump kept the 25 percent tariff on Mexican goods tied to fentanyl in place.",
        {FENT: None, US: None},
    ),
    # percentage points, deltas and shares are not rates
    ("Both governments cut their tariffs by 115 percentage points.", {US: None, CN: None}),
    ("US tariffs on Chinese goods were cut by 24 percent.", {US: None}),
    ("Exports from China to the US rose 12 percent in May.", {US: None}),
    ("About 60 percent of US imports from China now pay a tariff.", {US: None}),
    # modality: threats, plans, conditions → proposed; the past → historical; negation → nothing
    ("Trump threatened to raise tariffs on Chinese goods to 50 percent.", {US: {(50.0, P)}}),
    ("The White House is weighing a 60 percent tariff on all Chinese imports.", {US: {(60.0, P)}}),
    (
        "Tariffs on Chinese goods could climb to 245 percent if Beijing retaliates.",
        {US: {(245.0, P)}},
    ),
    (
        "Beijing said it would raise duties on US goods to 50% unless Washington backs down.",
        {CN: {(50.0, P)}},
    ),
    ("Tariffs on Chinese imports had reached 145 percent in April.", {US: {(145.0, H)}}),
    ("Duties on Chinese goods peaked at 145 percent this spring.", {US: {(145.0, H)}}),
    ("The US did not lower its tariff on Chinese goods to 30 percent.", {US: None}),
    ("China denied it had cut tariffs on American goods to 10 percent.", {CN: None}),
    # reported "would" of a decision is asserted; "will" with a date carries it as effective
    ("Beijing said it would cut its tariff on American products to 10 percent.", {CN: {(10.0, A)}}),
    # a date in May is not the modal "may"; a season behind the entry is the past
    ("Levies on Chinese imports will drop to 30% starting May 14.", {US: {(30.0, A)}}),
    ("Tariffs on Chinese goods may rise to 50% in the autumn.", {US: {(50.0, P)}}),
    (
        "When duties on Chinese goods hit 145 percent last spring, soybean exports collapsed.",
        {US: {(145.0, H)}},
    ),
    ("Duties on Chinese goods were cut to 30 percent this spring.", {US: {(30.0, A)}}),
    # "rate on" goods is a tariff; other rates are not
    (
        "The US rate on most Chinese imports goes down to 30 percent, while China's rate on "
        "American goods is lowered to 10 percent.",
        {US: {(30.0, A)}, CN: {(10.0, A)}},
    ),
    ("China's economic growth rate slowed to 4.8 percent.", {CN: None, US: None}),
    ("The interest rate on US Treasury bonds climbed to 4.5 percent.", {CN: None, US: None}),
    ("China cut its benchmark lending rate to 3 percent.", {CN: None}),
    # a removed figure means zero; "to zero" is a level; "drop 10 percent" is a change, not a level
    (
        "Beijing scrapped its remaining 10 percent levy on American products.",
        {CN: {(0.0, A)}},
    ),
    ("China's tariff on US goods fell to zero on Monday.", {CN: {(0.0, A)}}),
    ("Tariffs on Chinese goods set by Washington will drop 10 percent.", {US: None}),
    # a part named only in an opening "With ...," phrase is counted in the level that follows
    (
        "With the levy over opioids included, Chinese imports will pay 35 percent from June.",
        {US: {(35.0, A)}, FENT: None},
    ),
    (
        "With the fentanyl duty halved, the opioid tariff on China is now 12 percent.",
        {FENT: {(12.0, A)}},
    ),
    # a label before a colon names what the sentence is about, no party acting in it
    ("What it means for Washington: the extra duties, all told, reach 20 percent.", {US: None}),
    # a bare verb opening its clause is a call to act, not a report that anybody acted
    ("Our advice to the White House: abolish the opioid tariff on China now.", {FENT: None}),
    ("Halve the duties on Chinese goods, the lobby group urged.", {US: None}),
    ("The White House abolished the opioid tariff on China on Monday.", {FENT: {(0.0, A)}}),
    # ending "the N percent" tariff removes N points (resolved against the current value)
    ("The US plans to end the 20 percent fentanyl tariff on China.", {FENT: {(-20.0, P)}}),
    # a conjunction bringing in another party's figure does not give it to the first noun
    ("The US tariff on Chinese goods was 145 percent and China's is 125 percent.", {US: None}),
    # a qualifier in a following subordinate clause does not qualify the figure
    (
        "Threat of 50 percent tariff on Chinese goods if fentanyl flows continue",
        {US: {(50.0, P)}, FENT: None},
    ),
]


@pytest.mark.parametrize(("text", "expected"), FIGURES)
def test_percent_claims(extractor: ClaimExtractor, text: str, expected: dict) -> None:
    found = claims_by_fact(extractor, text)
    for fact_id, want in expected.items():
        assert found.get(fact_id) == want, (fact_id, found)


def test_will_with_a_date_is_asserted_with_its_effective_date(extractor: ClaimExtractor) -> None:
    text = "Washington will lower the tariff on Chinese imports to 20 percent next month."
    (claim,) = extractor.extract(text, JUNE)
    assert (claim.fact_id, claim.value, claim.modality) == (US, 20.0, A)
    assert claim.effective == date(2025, 7, 1)


def test_to_x_from_y_keeps_the_previous_value(extractor: ClaimExtractor) -> None:
    (claim,) = extractor.extract("Tariffs on Chinese goods go to 30% from 145%.", JUNE)
    assert (claim.value, claim.previous) == (30.0, 145.0)


STATES = [
    # trade talks: scheduled / held / agreement / stalled / evaluating, needing trade context
    (
        "Officials from the US and China will meet in London on Monday for more trade talks.",
        {TALKS: {("scheduled", A)}},
    ),
    ("US, China to resume trade negotiations next week.", {TALKS: {("scheduled", A)}}),
    # a predicate joined by "and" shares its clause's subject and "will"
    (
        "The US trade envoy will fly to Oslo and, as the two sides agreed, hold talks with China's "
        "trade negotiators there.",
        {TALKS: {("scheduled", A)}},
    ),
    (
        "The US trade envoy flew to Oslo and, as the two sides agreed, held talks with China's "
        "trade negotiators there.",
        {TALKS: {("held", A)}},
    ),
    (
        "He Lifeng and Scott Bessent held two days of talks in Stockholm, China said.",
        {TALKS: {("held", A)}},
    ),
    ("Chinese and US trade negotiators wrapped up their meeting in Rome.", {TALKS: {("held", A)}}),
    # progress or an important consensus at the table: the round is being held
    (
        "The meeting of Chinese and US trade envoys in Oslo made significant progress.",
        {TALKS: {("held", A)}},
    ),
    # a round that opens, gathers or goes on is being held; one still ahead is scheduled
    (
        "American and Chinese envoys sat down for a third round of tariff negotiations in Oslo.",
        {TALKS: {("held", A)}},
    ),
    (
        "Chinese and US trade delegations convened in Lisbon for fresh consultations on tariffs.",
        {TALKS: {("held", A)}},
    ),
    ("Trade talks between Beijing and Washington got under way in Vienna.", {TALKS: {("held", A)}}),
    (
        "US-China trade negotiations in Vienna went into a second day on Wednesday.",
        {TALKS: {("held", A)}},
    ),
    (
        "Chinese and US negotiators will sit down for another round of trade talks in Oslo.",
        {TALKS: {("scheduled", A)}},
    ),
    ("Washington and Beijing struck a trade deal on Thursday.", {TALKS: {("agreement", A)}}),
    ("The US and China agreed to roll back tariffs for 90 days.", {TALKS: {("agreement", A)}}),
    (
        "Washington cuts duties on Chinese goods for 90 days under the Geneva pact.",
        {TALKS: {("agreement", A)}},
    ),
    ("Washington cuts duties on Chinese goods under new customs rules.", {TALKS: None}),
    ("Trade talks between Washington and Beijing were postponed.", {TALKS: {("stalled", A)}}),
    (
        "US and Chinese delegations conclude two days of negotiations in Geneva.",
        {TALKS: {("held", A)}},
    ),
    (
        "Trade negotiations between the US and China broke down on Friday.",
        {TALKS: {("stalled", A)}},
    ),
    ("The US walked away from trade talks with China.", {TALKS: {("stalled", A)}}),
    (
        "Beijing is considering whether to hold trade talks with Washington.",
        {TALKS: {("evaluating", P)}},
    ),
    ("The US could resume trade talks with China next month.", {TALKS: {("scheduled", P)}}),
    # counter-examples: drug talks are not trade talks; other countries; negation; the past
    ("Chinese and American officials held fentanyl talks in Beijing.", {TALKS: None}),
    ("Britain and the United States struck a trade deal on cars.", {TALKS: None}),
    (
        "China says there are no trade talks with the US under way and none will be held.",
        {TALKS: None},
    ),
    ("US officials reached out to China to start negotiations on tariffs.", {TALKS: None}),
    ("Stocks rose after the US and China agreed to cut tariffs.", {TALKS: {("agreement", H)}}),
    # counternarcotics cooperation
    (
        "The US suspended counternarcotics cooperation with China.",
        {"counternarcotics-cooperation": {("frozen", A)}},
    ),
    (
        "China and the US resumed anti-drug cooperation on Tuesday.",
        {"counternarcotics-cooperation": {("active", A)}},
    ),
    (
        "China and the US have not resumed anti-drug cooperation.",
        {"counternarcotics-cooperation": None},
    ),
    # de minimis
    (
        "The White House restored duty-free de minimis treatment for parcels from China.",
        {"us-de-minimis-china": {("open", A)}},
    ),
    (
        "The de minimis exemption for Chinese packages in the US has not come back.",
        {"us-de-minimis-china": None},
    ),
    (
        "The US ended the de minimis exemption for shipments from China.",
        {"us-de-minimis-china": {("closed", A)}},
    ),
    # class ban and sanctions
    (
        "China lifted its class-wide ban on fentanyl-related substances.",
        {"china-fentanyl-class-ban": {("lifted", A)}},
    ),
    (
        "China's class-wide control of fentanyl-related drugs remains in force.",
        {"china-fentanyl-class-ban": {("in-force", A)}},
    ),
    (
        "China put all nitazene opioids under class-wide control, a step it first took for "
        "fentanyl in 2019.",
        {"china-fentanyl-class-ban": None, "china-precursor-controls": None},
    ),
    (
        "Washington reimposed sanctions on the forensic science institute of China's police "
        "ministry.",
        {"forensics-institute-sanctions": {("sanctioned", A)}},
    ),
    (
        "The US lifted sanctions on China's Institute of Forensic Science.",
        {"forensics-institute-sanctions": {("lifted", A)}},
    ),
]


@pytest.mark.parametrize(("text", "expected"), STATES)
def test_state_claims(extractor: ClaimExtractor, text: str, expected: dict) -> None:
    found = claims_by_fact(extractor, text)
    for fact_id, want in expected.items():
        assert found.get(fact_id) == want, (fact_id, found)


MONTHS_AND_PEOPLE = [
    (
        "China placed 13 more precursor chemicals under control this month.",
        {"china-precursor-controls": {("2025-06", A)}},
    ),
    (
        "Beijing will add three fentanyl precursors to its list of controlled chemicals from July.",
        {"china-precursor-controls": {("2025-06", A)}},
    ),
    (
        "China last expanded its list of controlled precursor chemicals in 2024.",
        {"china-precursor-controls": {("2025-06", H)}},
    ),
    (
        "China could add more precursor chemicals to its control list.",
        {"china-precursor-controls": {("2025-06", P)}},
    ),
    (
        "China named Li Wei to lead its delegation on fentanyl talks with the United States.",
        {"china-fentanyl-envoy": {("Li Wei", A)}},
    ),
    (
        "Public Security Minister Wang Xiaohong will lead China's fentanyl talks with the US.",
        {"china-fentanyl-envoy": {("Wang Xiaohong", A)}},
    ),
    (
        "China Names New Fentanyl Envoy Li Chenggang To Lead Talks With US",
        {"china-fentanyl-envoy": {("Li Chenggang", A)}},
    ),
    (
        "Foreign Minister Wang Yi met Marco Rubio to discuss fentanyl.",
        {"china-fentanyl-envoy": None},
    ),
    ("Wang Xiaohong visited Cambodia to discuss online scams.", {"china-fentanyl-envoy": None}),
    (
        "China named Zhao Ming, a deputy security minister, to lead fentanyl talks with the US.",
        {"china-fentanyl-envoy": {("Zhao Ming", A)}},
    ),
]


@pytest.mark.parametrize(("text", "expected"), MONTHS_AND_PEOPLE)
def test_month_and_person_claims(extractor: ClaimExtractor, text: str, expected: dict) -> None:
    found = claims_by_fact(extractor, text)
    for fact_id, want in expected.items():
        assert found.get(fact_id) == want, (fact_id, found)


def test_a_look_back_makes_every_claim_historical(extractor: ClaimExtractor) -> None:
    text = "Looking back: a year of tariffs. Duties on Chinese goods rose to 145 percent."
    assert claims_by_fact(extractor, text) == {US: {(145.0, H)}}


def test_hostile_text_does_not_raise(extractor: ClaimExtractor) -> None:
    text = ("tariff " * 3000) + "on Chinese goods to 30% " + ("(" * 500) + " 99999 percent"
    assert isinstance(extractor.extract(text, JUNE), list)


def test_calling_off_planned_talks_is_asserted(extractor: ClaimExtractor) -> None:
    """'planned' describes the talks, not the claim: the cancellation itself is asserted (a
    reading as proposed may also be found; compare keeps the asserted one)."""
    text = "A planned round of US-China trade negotiations was called off on Friday."
    assert ("stalled", A) in claims_by_fact(extractor, text)[TALKS]


def claims_of(
    extractor: ClaimExtractor, title: str, body: str = "", *, link: str = "", when: datetime = JUNE
) -> dict[str, set[tuple[object, Modality, Strength]]]:
    out: dict[str, set[tuple[object, Modality, Strength]]] = {}
    for claim in extractor.extract(body, when, title=title, link=link):
        out.setdefault(claim.fact_id, set()).add((claim.value, claim.modality, claim.strength))
    return out


F, W = Strength.FIRM, Strength.WEAK

# (title, body, link, {fact: expected set or None}); every sentence written for these tests
ITEMS = [
    # firm: a decision in force, bound by its own phrase, stating a change
    (
        "Washington lowers levies on Chinese imports to 25%",
        "The Commerce Department said the tariff on goods from China falls to 25 percent from "
        "30 percent on Monday.",
        "",
        {US: {(25.0, A, F)}},
    ),
    # a headline alone is judged as any sentence; a level mentioned in passing is weak
    ("Beijing lowers duties on US goods to 8%", "", "", {CN: {(8.0, A, F)}}),
    (
        "Port volumes slip",
        "Importers said goods from China still face a 30 percent tariff at the border.",
        "",
        {US: {(30.0, A, W)}},
    ),
    # opinion pieces only propose: by title prefix and by link path
    (
        "Opinion: Washington cut its China tariffs to 20 percent, and it was right to",
        "",
        "",
        {US: {(20.0, P, W)}},
    ),
    (
        "Why the cut to 20 percent matters",
        "The US lowered its tariff on Chinese goods to 20 percent last week.",
        "https://paper.example/opinion/2025/06/cut",
        {US: {(20.0, P, W)}},
    ),
    # rumours, forecasts, odds and wishes propose
    (
        "Tariff cut under discussion",
        "The White House will lower duties on Chinese goods to 40 percent, two officials familiar "
        "with the deliberations said.",
        "",
        {US: {(40.0, P, W)}},
    ),
    (
        "Rates outlook",
        "Our base case assumes US tariffs on Chinese goods settle at 25 percent by the autumn.",
        "",
        {US: {(25.0, P, W)}},
    ),
    (
        "Traders bet on relief",
        "Prediction markets give 70% odds that duties on Chinese goods fall to 20 percent.",
        "",
        {US: {(20.0, P, W)}},
    ),
    ("Trump: '60% tariff on China sounds right to me'", "", "", {US: {(60.0, P, W)}}),
    # a threat framed by the title stays a threat in the body
    (
        "President threatens extra 50% levy on Beijing",
        "He said the United States would impose a 50% tariff on Chinese goods from next month.",
        "",
        {US: {(50.0, P, W)}},
    ),
    # "China tariffs" are the tariffs on China; "China's tariffs" are China's own
    ("China tariffs fall to 25% as order takes effect", "", "", {US: {(25.0, A, F)}, CN: None}),
    (
        "Beijing trims rates",
        "China's tariffs on US goods were lowered to 8 percent on Tuesday.",
        "",
        {CN: {(8.0, A, F)}, US: None},
    ),
    # a suspended rate is not the rate in force; the one kept is (bound through the clause before)
    (
        "Truce extended",
        "China will keep suspending the 24 percent tariff on US goods for another year, while "
        "retaining the 10 percent rate, the ministry said.",
        "",
        {CN: {(10.0, A, W)}},
    ),
    # caps, sectors and other countries are not the fact
    ("Levies of up to 15% on US farm goods lifted", "", "", {CN: None}),
    (
        "Deal for Swiss watches",
        "The US tariff on most Swiss goods was lowered to 15 percent on Friday.",
        "",
        {US: None},
    ),
    # relative: a layer adds, a removal takes off, halving multiplies
    (
        "Washington adds levy",
        "The United States imposed an additional 10% tariff on Chinese imports on Tuesday.",
        "",
        {US: {(10.0, A, W)}},
    ),
    (
        "Fentanyl duty scrapped",
        "The president signed an order ending the 10% fentanyl tariff on Chinese goods.",
        "",
        {FENT: {(-10.0, A, F)}},
    ),
    (
        "Order halves the fentanyl levy on Chinese products",
        "The order was signed on Tuesday, officials said.",
        "",
        {FENT: {(0.5, A, F)}},
    ),
    # an order titled for one duty speaks of it in its body
    (
        "Amending Duties Addressing the Synthetic Opioid Trade With China",
        "The additional rate of duty on articles of China imposed by the earlier order shall be "
        "reduced from 20 percent to 15 percent.",
        "",
        {FENT: {(15.0, A, F)}, US: None},
    ),
    # a republished story only recalls; a look back in the opening sentences too
    (
        "Tariffs on Chinese goods cut to 30%",
        "(Originally published in May.) The US cut its tariff on Chinese goods to 30 percent.",
        "",
        {US: {(30.0, H, W)}},
    ),
    # a background clause ends at its comma; an opening time adverbial holds for the sentence
    (
        "Summit outcome",
        "After meeting Xi Jinping in Seoul, Trump said he is cutting the tariff on Chinese goods "
        "to 25 percent.",
        "",
        {US: {(25.0, A, F)}},
    ),
    (
        "How cooperation ended",
        "In August 2022, Beijing suspended counternarcotics cooperation with Washington.",
        "",
        {"counternarcotics-cooperation": {("frozen", H, W)}},
    ),
    # a headline infinitive looks ahead: talks "to hold" are scheduled, not held
    (
        "Chinese vice premier to visit Rome, hold trade talks with US side",
        "",
        "",
        {TALKS: {("scheduled", A, F)}},
    ),
    # reporters' questions state nothing
    # a level the item says counts other duties is another measure, in its headline too
    (
        "President says the overall levy on Chinese goods drops to 41%",
        "Duties on imports from China will fall to 41 percent, he said, a number that includes "
        "Section 301 duties from his first term.",
        "",
        {US: None},
    ),
    # a claim or an allegation is not vouched for by the writer; the headline frames the body
    (
        "Congressman claims Beijing has scrapped its class-wide fentanyl control",
        "A member of Congress said on a podcast that China had ended its class-wide control of "
        "fentanyl-related substances.",
        "",
        {"china-fentanyl-class-ban": {("lifted", P, W)}},
    ),
    # a tariff announced on a sector with no word of China is nobody's tariff on China
    (
        "White House sets 60% duty on imported furniture",
        "Imported sofas and kitchen cabinets will pay a 60 percent tariff from March, the "
        "president said.",
        "",
        {US: None},
    ),
    # a worldwide rate is not the rate on China, even where China pays it too
    (
        "Global import surcharge to climb to 12%",
        "The worldwide surcharge will be raised to 12 percent and Chinese goods pay it like "
        "all others, the White House said.",
        "",
        {US: None},
    ),
    # an order titled for the opioid duty, behind a label, speaks of that duty
    (
        "Federal Register: Amending Duties on Opioid Supply Chains in the People's Republic",
        "The additional duty on products of China is reduced from 20 percent to 15 percent.",
        "",
        {US: None, "us-fentanyl-tariff-china": {(15.0, A, F)}},
    ),
    # the highest court voids the emergency duties by name: the whole and its layers are zero
    (
        "Supreme Court voids the president's emergency tariffs on Chinese goods",
        "",
        "",
        {US: {(0.0, A, F)}, "us-fentanyl-tariff-china": {(0.0, A, F)}},
    ),
    # a lower court's ruling, or one stayed, moves nothing: the duties are still collected
    (
        "Appeals court strikes down the emergency tariffs on China",
        "The judges struck down the IEEPA tariffs on Chinese goods, but the duties remain in place "
        "pending appeal.",
        "",
        {US: None, "us-fentanyl-tariff-china": None},
    ),
    # a total of the fact's own duties is its level; a bare total may count other duties
    (
        "Levies fall after the summit",
        "The combined emergency tariffs on Chinese goods fall to 25 percent from 35 percent, the "
        "White House said.",
        "",
        {US: {(25.0, A, F)}},
    ),
    (
        "Levies fall after the summit",
        "The combined tariffs on Chinese goods fall to 25 percent from 35 percent, the White House "
        "said.",
        "",
        {US: {(25.0, A, W)}},
    ),
    # a layer said to be all that is left of the whole gives the whole's level, as firmly as
    # the sentence's removal of the other layer
    (
        "Opioid duty on China scrapped",
        "Washington will end the fentanyl duty on Chinese goods from June 1, leaving only the 15 "
        "percent reciprocal tariff.",
        "",
        {US: {(15.0, A, F)}},
    ),
    (
        "Opioid duty on China scrapped",
        "Washington will end the fentanyl duty on Chinese goods from June 1, leaving the 25 "
        "percent steel tariff in place.",
        "",
        {US: None},
    ),
    # a correction's retelling of what it corrects claims nothing
    (
        "CORRECTION: Oslo talks story",
        "An earlier version of this story said Washington had removed its fentanyl tariff on "
        "Chinese goods.",
        "",
        {"us-fentanyl-tariff-china": None},
    ),
    # only the statement that counts Section 301 duties is the other measure, not its neighbour
    # past the semicolon
    (
        "Envoys agree on a lower levy",
        "The deal takes the combined tariffs on Chinese goods to 25 percent from 35 percent; "
        "counting older Section 301 duties, the president put the rate at 50 percent.",
        "",
        {US: {(25.0, A, W)}},
    ),
    # a note's arrow reads "from ... to ..."
    (
        "Weekly wrap",
        "- Beijing: levy on American goods 15% -> 25% from July 1, the commission said.",
        "",
        {CN: {(25.0, A, F)}},
    ),
    # a request put to somebody else is no decision
    (
        "Lawmakers press Commerce over the Chinese forensic institute",
        "Four senators asked Commerce to add China's Institute of Forensic Science back to the "
        "Entity List.",
        "",
        {"forensics-institute-sanctions": {("sanctioned", P, W)}},
    ),
    # the document is the decision: its "will" is decided
    (
        "Joint statement on the tariff consultations in Oslo",
        "The People's Republic of China will lower its additional tariff on US goods to 12 "
        "percent from the same day.",
        "",
        {CN: {(12.0, A, F)}},
    ),
    (
        "Press conference",
        "Q: Have the economic and trade teams of the two sides held talks in Oslo? A: I have no "
        "information to offer.",
        "",
        {TALKS: None},
    ),
]


@pytest.mark.parametrize(("title", "body", "link", "expected"), ITEMS)
def test_item_claims_and_strength(
    extractor: ClaimExtractor, title: str, body: str, link: str, expected: dict
) -> None:
    found = claims_of(extractor, title, body, link=link)
    for fact_id, want in expected.items():
        assert found.get(fact_id) == want, (fact_id, found)


def test_the_role_an_appointment_gives_is_in_its_clause(extractor: ClaimExtractor) -> None:
    text = (
        "Beijing has designated Zhou Lan, a deputy minister of public security, as its lead "
        "official for counternarcotics talks with the United States."
    )
    assert claims_of(extractor, "Envoy", text)["china-fentanyl-envoy"] == {("Zhou Lan", A, F)}


def test_number_words_before_points_are_digits() -> None:
    assert normalise_figures("cut by ten percentage points") == "cut by 10 percentage points"
    assert normalise_figures("up by five points") == "up by 5 points"


def test_an_appointment_names_the_person_not_the_title(extractor: ClaimExtractor) -> None:
    text = (
        "Deputy Minister of Public Security Zhou Lan has been designated as China's lead "
        "official for counternarcotics talks with the United States, the ministry said."
    )
    assert claims_of(extractor, "Envoy named", text)["china-fentanyl-envoy"] == {("Zhou Lan", A, F)}
