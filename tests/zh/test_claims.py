"""Claims from Chinese text, table-driven, in sentences written for these tests in the styles of
the sources (答记者问, 税委会公告, 通报, 通稿, 社评, 快讯): what changes a fact, and the traps
that must not (threats, conditions, rumours, denials, commentary, look-backs, suspended rates,
sector tariffs, other countries)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue
from bot.facts.model import Claim, Relative
from bot.feeds.entry import Entry
from bot.news.analysis import RuleAnalyser, build_analyser

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analyser() -> RuleAnalyser:
    built = build_analyser(Catalogue.load(ROOT / "seeds"), ROOT / "config" / "topics.yaml")
    assert isinstance(built, RuleAnalyser)
    return built


def claims(analyser: RuleAnalyser, title: str, body: str, link: str = "") -> list[Claim]:
    entry = Entry("t", "1", link or "https://www.example.cn/a.html", title, WHEN, body)
    return list(analyser.analyse(entry).claims)


def firm(found: list[Claim]) -> set[tuple[str, object]]:
    return {
        (c.fact_id, c.value)
        for c in found
        if c.modality.value == "asserted" and c.strength.value == "firm"
    }


MOVES = [
    (  # a Tariff Commission notice: level with its prior, from a date
        "国务院关税税则委员会关于调整对美加征关税措施的公告",
        "自2026年7月1日起，对原产于美国的进口商品加征关税的税率由10%调整为5%。",
        {("china-tariff-us", 5.0)},
    ),
    (  # a spokesperson's answer: the official's own words
        "商务部新闻发言人答记者问",
        "问：美方近日有何举措？答：美方已将对中国商品加征的关税由20%降至15%，自6月15日起实施。",
        {("us-tariff-china", 15.0)},
    ),
    (  # the remaining layer removed: zero
        "白宫宣布取消对华芬太尼关税",
        "美国白宫9日宣布，即日起取消对中国商品加征的剩余5%芬太尼相关关税。",
        {("us-fentanyl-tariff-china", 0.0)},
    ),
    (  # a part of the layer removed: relative to the current value
        "美方调整芬太尼关税",
        "美方宣布，取消针对中国商品加征的5%所谓芬太尼关税，相关措施自7月1日起生效。",
        {("us-fentanyl-tariff-china", -5.0)},
    ),
    (  # talks still ahead, announced: scheduled
        "中美将举行新一轮经贸磋商",
        "经双方商定，国务院副总理何立峰将于6月20日至22日赴伦敦，与美方牵头人举行中美经贸磋商。",
        {("trade-talks", "scheduled")},
    ),
    (  # talks held
        "中美经贸磋商在伦敦举行",
        "6月21日，中美经贸磋商在英国伦敦举行，双方就关税和出口管制问题深入交换了意见。",
        {("trade-talks", "held")},
    ),
    (  # a framework reached outranks talks held
        "中美达成经贸框架",
        "中美经贸磋商机制会议在伦敦举行，双方就落实元首共识的措施达成框架。",
        {("trade-talks", "agreement"), ("trade-talks", "held")},
    ),
    (  # an "important consensus" at the close of a round: held; the arrangement comes later
        "中美经贸磋商在奥斯陆结束",
        "中美经贸磋商6月22日在奥斯陆结束，双方就关税安排达成重要共识。",
        {("trade-talks", "held")},
    ),
    (  # a consensus on the arrangement itself is the agreement
        "中美就关税安排达成共识",
        "中美经贸磋商在奥斯陆结束，双方就延长关税暂停期达成共识。",
        {("trade-talks", "agreement"), ("trade-talks", "held")},
    ),
    (  # progress at the table: the round is being held
        "中美奥斯陆经贸磋商取得积极进展",
        "商务部新闻发言人表示，中美经贸磋商在奥斯陆取得积极进展，双方达成重要共识。",
        {("trade-talks", "held")},
    ),
    (  # the leaders' call: the teams will meet in a week, talks scheduled ("soon", with no
        # place or time, is weak: see test_claims_voices)
        "中美两国元首通电话",
        "美方表示，中美双方经贸团队将于下周举行新一轮磋商。",
        {("trade-talks", "scheduled")},
    ),
    (  # the whole's move after an opening 连同…， phrase: the phrase's past is the part's
        "美方下调对华加征关税",
        "连同此前以芬太尼为由加征的20%，美方对中国商品加征的关税由145%降至40%。",
        {("us-tariff-china", 40.0)},
    ),
    (  # talks at a standstill
        "商务部：中美经贸磋商陷入停滞",
        "答：受美方单边限制措施影响，中美经贸磋商目前陷入停滞，原定下月的会谈无法如期进行。",
        {("trade-talks", "stalled")},
    ),
    (  # a vice minister takes over as the lead official ("将取代": the name stops before 将)
        "禁毒合作牵头人调整",
        "公安部副部长孙立群将取代王小洪，出任中美禁毒合作中方牵头人。",
        {("china-fentanyl-envoy", "Sun Liqun")},
    ),
    (  # talks postponed
        "商务部：推迟中美经贸磋商",
        "商务部新闻发言人表示，鉴于美方新的限制措施，中方决定推迟原定本月举行的中美经贸磋商。",
        {("trade-talks", "stalled")},
    ),
    (  # cooperation frozen by the ministry
        "公安部通报",
        "公安部新闻发言人宣布，中方决定暂停中美禁毒执法合作。",
        {("counternarcotics-cooperation", "frozen")},
    ),
    (  # precursor controls widened: the entry's month
        "三部门公告",
        "公安部、商务部、海关总署决定，将3种芬太尼前体化学品列入易制毒化学品品种目录，自8月1日起施行。",
        {("china-precursor-controls", "2026-06")},
    ),
    (  # a new lead official, romanised in Pinyin (surname first)
        "中美禁毒合作中方牵头人调整",
        "经中美双方商定，公安部副部长曾凡明担任中美禁毒合作中方牵头人。",
        {("china-fentanyl-envoy", "Zeng Fanming")},
    ),
    (  # the US relists the forensics institute
        "快讯：美方将公安部物证鉴定中心列入实体清单",
        "美国商务部9日宣布，将中国公安部物证鉴定中心列入出口管制实体清单。",
        {("forensics-institute-sanctions", "sanctioned")},
    ),
    (  # de minimis reopened
        "美方恢复小额包裹免税",
        "美国海关与边境保护局宣布，自7月1日起恢复来自中国的小额包裹免税入境待遇。",
        {("us-de-minimis-china", "open")},
    ),
    (  # traditional characters: read, and the evidence quoted as published
        "美方將中國商品關稅下調",
        "美國白宮宣布，自7月1日起將對中國商品加徵的關稅由20%降至15%。",
        {("us-tariff-china", 15.0)},
    ),
]

TRAPS = [
    # a threat
    ("特朗普威胁对华加征关税", "特朗普称，将对中国商品额外加征50%关税。"),
    # a condition
    ("外交部回应", "如果美方一意孤行，中方将把对美加征关税提高至50%。"),
    # a rumour
    ("消息人士：中方拟下调对美关税", "据知情人士透露，税委会正研究将对美加征关税降至5%。"),
    # a denial
    ("商务部：不实报道", "有外媒称中方将取消对美加征关税，商务部表示相关报道不实。"),
    # commentary
    ("社评：美方应取消全部对华关税", "社评认为，美方应当尽快把对华加征的关税降至零。"),
    # a look back
    ("回顾：2025年中美关税大事记", "2025年5月，美方将对华关税由145%降至30%。"),
    # a suspended rate, and the rate kept as it is
    ("税委会公告", "自7月1日起，继续暂停实施24%的对美加征关税税率，保留10%的税率。"),
    # a sector
    ("税委会公告", "自7月1日起，对原产于美国的大豆、猪肉等农产品加征的15%关税停止执行。"),
    # another country
    ("美对墨加征关税", "美国宣布对墨西哥商品加征的关税由25%提高至30%。"),
    # a reporter's question states nothing
    (
        "商务部答记者问",
        "问：有报道称美方将把对华关税提高到60%，是否属实？答：我们不回应假设性问题。",
    ),
    # a denied rumour
    ("国家禁毒办辟谣", "网传中国将取消芬太尼类物质整类列管，纯属谣言。"),
    # a headline's 促 is a call to act
    (
        "美议员促恢复对华加征芬太尼关税",
        "多名议员致信白宫，要求把对中国商品加征的芬太尼关税恢复至20%。",
    ),
    # a rumour (…的说法) denied as untrue
    (
        "禁毒办回应网络传言",
        "针对网上关于我国放宽芬太尼类物质整类列管的说法，国家禁毒办表示，相关信息不实。",
    ),
    # a policy carried on is no new measure
    (
        "公安部介绍禁毒工作进展",
        "公安部表示，我国一直对易制毒化学品实行严格管控，并将持续加强易制毒化学品出口管制。",
    ),
    # not US-China
    ("中国—东盟自贸区升级议定书生效", "中国与东盟完成升级谈判，双方将在明年举行磋商。"),
]


@pytest.mark.parametrize(("title", "body", "expected"), MOVES)
def test_what_moves_a_fact(
    analyser: RuleAnalyser, title: str, body: str, expected: set[tuple[str, object]]
) -> None:
    found = claims(analyser, title, body)
    assert expected <= firm(found), found


@pytest.mark.parametrize(("title", "body"), TRAPS)
def test_traps_move_nothing(analyser: RuleAnalyser, title: str, body: str) -> None:
    assert firm(claims(analyser, title, body)) == set()


def test_the_evidence_is_the_sentence_as_published(analyser: RuleAnalyser) -> None:
    found = claims(
        analyser,
        "美方將中國商品關稅下調",
        "美國白宮宣布，自7月1日起將對中國商品加徵的關稅由20%降至15%。",
    )
    assert found[0].evidence == "美國白宮宣布，自7月1日起將對中國商品加徵的關稅由20%降至15%。"
    assert found[0].previous == 20.0 and found[0].effective is not None


def test_an_opinion_path_or_label_only_proposes(analyser: RuleAnalyser) -> None:
    body = "美方已将对中国商品加征的关税由20%降至15%。"
    for title, link in (
        ("钟声：关税下调是正确一步", ""),
        ("关税下调是正确一步", "http://www.people.com.cn/pinglun/2026/a.html"),
    ):
        found = claims(analyser, title, body, link)
        assert found and all(c.modality.value == "proposed" for c in found), (title, found)


def test_a_mixed_entry_is_judged_by_its_language(analyser: RuleAnalyser) -> None:
    english = claims(analyser, "US cuts tariff on Chinese goods to 15%",
                     "The US cut its tariff on Chinese goods to 15% from 20%, the White House "
                     "said, in what Beijing called 积极一步.")  # fmt: skip
    assert ("us-tariff-china", 15.0) in firm(english)
    relevant = analyser.analyse(Entry("t", "2", "https://x.cn/b", "中国同巴西签署合作文件",
                                      WHEN, "两国签署经贸合作文件。"))  # fmt: skip
    assert not relevant.relevant


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # a headline asking whether (是否) states nothing
        ("商务部：中美经贸会谈是否已在伦敦结束", "发言人介绍了近期中美经贸往来的情况。"),
        # talks about an extension (就…延期问题) have not stalled
        (
            "商务部介绍中美经贸磋商情况",
            "发言人表示，中美双方在经贸会谈中就关税暂停期的延期问题交换了意见，有关安排将按程序推进。",
        ),
    ],
)
def test_questions_and_subjects_of_talks_claim_nothing_of_them(
    analyser: RuleAnalyser, title: str, body: str
) -> None:
    assert [c for c in claims(analyser, title, body) if c.fact_id == "trade-talks"] == []


def test_talks_one_will_lead_are_still_ahead(analyser: RuleAnalyser) -> None:
    """将作为 (will act as) is the future: the talks it leads are scheduled, not held."""
    found = claims(
        analyser,
        "外交部：副总理将访问挪威",
        "外交部发言人宣布，副总理将于下周访问挪威。在挪威期间，副总理将作为中方牵头人，"
        "同美方牵头人举行经贸会谈。",
    )
    talks = {c.value for c in found if c.fact_id == "trade-talks"}
    assert talks == {"scheduled"}, found


def test_a_joint_statement_still_to_come_is_no_agreement(analyser: RuleAnalyser) -> None:
    found = claims(
        analyser,
        "中美经贸磋商在奥斯陆落幕 双方将发布联合声明",
        "为期两天的中美经贸磋商在奥斯陆结束，有关成果将以联合声明形式公布。",
    )
    assert {(c.fact_id, c.value) for c in found} == {("trade-talks", "held")}


def test_a_move_in_points_is_relative(analyser: RuleAnalyser) -> None:
    """下调/提高 N 个百分点 moves the rate in force by N points, the whole's too (总体)."""
    found = claims(
        analyser,
        "美方下调对华关税",
        "美方宣布，对中国商品加征的关税总体下调5个百分点，自7月1日起实施。",
    )
    moves = {(c.fact_id, c.value, c.relative) for c in found}
    assert ("us-tariff-china", -5.0, Relative.ADD) in moves


def test_the_breakdown_in_brackets_is_no_part_s_level(analyser: RuleAnalyser) -> None:
    """ "20%（含芬太尼相关关税10%）": the 20% is the whole, broken down, not the fentanyl part."""
    text = "美方对中国商品的加征关税目前为25%（含芬太尼相关关税10%）。"
    found = claims(analyser, "关税观察", text)
    assert ("us-fentanyl-tariff-china", 25.0) not in {(c.fact_id, c.value) for c in found}


def test_a_joint_statement_awaited_or_its_full_text(analyser: RuleAnalyser) -> None:
    awaited = claims(analyser, "中美经贸磋商结束", "主持人：关税怎么调，还要等联合声明。")
    assert ("trade-talks", "agreement") not in {(c.fact_id, c.value) for c in awaited}
    issued = claims(analyser, "中美奥斯陆经贸磋商联合声明（全文）", "双方将建立机制。")
    assert ("trade-talks", "agreement") in {(c.fact_id, c.value) for c in issued}


def test_a_precursor_listing_in_a_headline(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "公安部等三部门：5月1日起4种芬太尼前体化学品增列为易制毒化学品", "")
    assert ("china-precursor-controls", "2026-06") in {(c.fact_id, c.value) for c in found}


def test_goods_bound_for_a_country_pay_its_tariff(analyser: RuleAnalyser) -> None:
    """输美商品 / 对美出口 are China's goods going to the US: the tariff they bear is the US's."""
    shipped = claims(analyser, "关税测算", "中国输美商品承担的加征关税由35%降至25%，美方表示。")
    exports = claims(analyser, "外贸企业", "美方宣布，自下月起对美出口承担的加征关税降至25%。")
    for found in (shipped, exports):
        values = {(c.fact_id, c.value) for c in found}
        assert ("us-tariff-china", 25.0) in values
        assert ("china-tariff-us", 25.0) not in values


def test_a_headline_called_wrong_is_not_news(analyser: RuleAnalyser) -> None:
    """A correction quoting the wrong headline (“…”标题有误, 《…》标题有误) and a rumour called
    false (“…”不实) claim nothing of what they quote."""
    found = claims(
        analyser,
        "更正：“美对华关税降至5%”标题有误",
        "本报日前刊发的《美对华关税降至5%》标题有误，下调至5%的是芬太尼相关关税。",
    )
    assert ("us-tariff-china", 5.0) not in {(c.fact_id, c.value) for c in found}


def test_a_purpose_and_a_spreading_rumour_state_nothing(analyser: RuleAnalyser) -> None:
    purpose = claims(analyser, "人事调整", "此举为重启中美禁毒合作预留空间。")
    rumour = claims(analyser, "辟谣", "网上流传美方将恢复中国小额包裹免税的消息。")
    assert not firm(purpose) and not firm(rumour)


def test_an_extra_tariff_kept_at_its_rate_is_no_new_layer(analyser: RuleAnalyser) -> None:
    """额外加征 N% adds a layer; 额外关税维持 N% says the extra tariff stays at N%."""
    kept = claims(analyser, "关税休战延长", "美方对华额外关税维持25%，中方对美关税维持10%。")
    added = claims(analyser, "美方宣布加征", "美方宣布，自下月起对中国商品额外加征15%关税。")
    assert ("us-tariff-china", 25.0, None) in {(c.fact_id, c.value, c.relative) for c in kept}
    assert ("us-tariff-china", 15.0, Relative.ADD) in {
        (c.fact_id, c.value, c.relative) for c in added
    }
