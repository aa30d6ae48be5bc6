"""Chinese voices the first rules missed, in sentences written for these tests: a pointing
phrase (该项关税) naming the tariff just named, the one layer left as the whole, a total of the
emergency duties, the presidents' meeting as a round of talks, a truce extended by a span,
accounts online as rumour, a measure said to stand, a correction retelling its error, a bureau
that is no person's name; then a report called untrue, a clause opened by 如 (if), a product
tariff naming no country, an order's end date, a title not cut into a name."""

from __future__ import annotations

import pytest

from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims, firm

__all__ = ["analyser"]  # the module fixture, shared

US, FENT, TALKS = "us-tariff-china", "us-fentanyl-tariff-china", "trade-talks"

MOVES = [
    (  # 该项关税 / 相关关税: the qualified tariff the sentence named before
        "商务部新闻发言人答记者问",
        "答：美方将取消5%的所谓芬太尼关税，相关关税由15%降至10%。",
        {(FENT, 10.0)},
    ),
    (
        "更正：关于芬太尼关税的报道",
        "根据白宫公布的安排，美方是将该项关税由15%下调至10%。",
        {(FENT, 10.0)},
    ),
    (  # the reciprocal layer all that is left: the whole's level
        "美方宣布取消剩余芬太尼关税",
        "白宫宣布，自7月1日起取消对华加征的剩余芬太尼关税，届时美方对中国商品在IEEPA项下仅保留"
        "15%的对等关税。",
        {(FENT, 0.0), (US, 15.0)},
    ),
    (  # the presidents' meeting is a round of the talks
        "习近平同美国总统特朗普在河内举行会谈",
        "新华社河内6月9日电 两国元首就双边关系交换意见。",
        {(TALKS, "held")},
    ),
    (  # a truce extended by a stated span
        "中美宣布关税暂停安排再延长六个月",
        "中美双方经贸牵头人通话后宣布，双方同意将各自加征关税的暂停期再延长六个月。",
        {(TALKS, "agreement")},
    ),
    (  # a meeting still ahead with the other side
        "贝森特宣布",
        "美国财政部长贝森特表示，他将于下周在奥斯陆与何立峰会谈。",
        {(TALKS, "scheduled")},
    ),
    (  # 将访英并举行: the visit and its meeting are still ahead
        "外交部：何立峰将访英并举行中美经贸磋商机制会议",
        "外交部发言人宣布，何立峰将于6月8日至13日访问英国。",
        {(TALKS, "scheduled")},
    ),
    (  # both parties to meet on a date
        "新华社电",
        "特朗普称，美中代表团将于6月9日在奥斯陆会面，讨论经贸问题。",
        {(TALKS, "scheduled")},
    ),
    (  # conditions for holding the talks not there: stalled, whatever was planned
        "商务部：原定10月举行的中美经贸磋商“暂不具备条件”",
        "发言人说，原计划于10月进行的磋商目前不具备举行的条件。",
        {(TALKS, "stalled")},
    ),
    (  # the talks open (开场, 登场, 展开)
        "中美经贸会谈在奥斯陆开场",
        "双方代表团下午进入会场，会谈预计持续两天。",
        {(TALKS, "held")},
    ),
    (  # a truce extended again (再延一年)
        "白宫：对华对等关税暂停期再延一年",
        "白宫发布行政令宣布上述安排。",
        {(TALKS, "agreement")},
    ),
    (  # agreed now on an extension ahead: the agreement is made
        "中美商定对等关税暂停期",
        "双方商定将对华对等关税24%部分的暂停期再延长一年。",
        {(TALKS, "agreement")},
    ),
    (  # what was planned no longer has the conditions to be held
        "商务部答记者问",
        "发言人说，原定本月举行的新一轮中美经贸磋商已不具备举行条件。",
        {(TALKS, "stalled")},
    ),
    (  # a state visit ahead is a summit ahead
        "外交部发言人宣布",
        "应国家主席习近平邀请，美国总统特朗普将于6月3日至5日对中国进行国事访问。",
        {(TALKS, "scheduled")},
    ),
    (  # agreed to extend the suspended measures by a stated span
        "李成钢：中美同意将暂停安排再延长一年",
        "李成钢表示，双方同意将各自暂停实施的24%加征关税及相关措施再延长一年。",
        {(TALKS, "agreement")},
    ),
    (  # agreed that the suspension runs on by a span (展期)
        "商务部答记者问",
        "答：中美双方同意将暂停实施的关税措施如期展期六个月。",
        {(TALKS, "agreement")},
    ),
    (  # an order signed: the extension is decided, its end date ahead is no start ahead
        "白宫发布",
        "特朗普签署行政令，自12月1日起将对中国商品加征的芬太尼关税降回5%，并将中美关税暂停期延长至"
        "2027年5月1日。",
        {(FENT, 5.0), (TALKS, "agreement")},
    ),
    (  # a title (副部长) is not cut into a name
        "禁毒委通报",
        "国务院决定由公安部副部长李明远担任中美禁毒合作中方牵头人。",
        {("china-fentanyl-envoy", "Li Mingyuan")},
    ),
    (  # 恢复实施24%: the suspended layer put back on the rate in force
        "税委会公告",
        "自今天起，我国恢复实施24%的对美加征关税，对原产于美国的进口商品加征关税税率调整为34%。",
        {("china-tariff-us", 34.0)},
    ),
    (  # an opening 根据… phrase's date is the basis's, not the step's
        "李成钢答记者问",
        "答：根据两国元首5月5日通话共识，中美双方同意将暂停的关税措施如期展期90天。",
        {(TALKS, "agreement")},
    ),
    (  # 由20%降回10% gives the prior; a total on most goods (大多数中国商品…合计) is the whole's
        "中美发表联合声明",
        "美方将把芬太尼相关关税由20%降回10%，美国对大多数中国商品的加征关税合计由30%降至20%。",
        {(FENT, 10.0), (US, 20.0)},
    ),
    (  # talks put off that were set for next week have stalled
        "美方推迟磋商",
        "美方宣布推迟原定于下周举行的中美经贸磋商。",
        {(TALKS, "stalled")},
    ),
]

# the claims an item holds, and nothing else: the words near a pattern that name another matter
EXACTLY = [
    # talks on the suspension period (围绕暂停期…展开磋商) are talks held, not suspended
    ("快讯", "中美经贸会谈在维也纳举行，双方围绕关税暂停期的安排展开磋商。", {(TALKS, "held")}),
    # 中断后…首次 marks a time past: the round is held
    ("新华社电", "中美经贸磋商在河内举行，这是磋商中断后双方首次面对面会谈。", {(TALKS, "held")}),
    # talks broken off for two months (中断两个月的会谈) are resumed: held
    ("中美会谈重启", "中断两个月的中美经贸会谈今天在日内瓦重新举行。", {(TALKS, "held")}),
    # a list of topics (暂停安排及禁毒合作) freezes nothing
    ("新华社电", "何立峰与贝森特就关税暂停安排及禁毒合作等问题交换意见。", set()),
    # the time until talks (此时距…不足两天) puts them ahead
    ("商务部例行发布会", "此时距中美在维也纳举行经贸会谈不足两天。", {(TALKS, "scheduled")}),
    # agreed on many points is progress at the table, not the deal
    (
        "特朗普发文",
        "特朗普发文称：“今天与中国举行了很好的会谈，在很多方面达成一致。”",
        {(TALKS, "held")},
    ),
    # a round set by agreement, in a venue that is a third country (在新加坡)
    (
        "商务部：中美将在新加坡举行磋商",
        "中美双方商定于6月20日至21日在新加坡举行新一轮经贸磋商。",
        {(TALKS, "scheduled")},
    ),
    # "这是…首次…会谈" says what the news is; it holds no round of its own
    (
        "外交部宣布",
        "中美双方宣布将于下月在维也纳举行经贸会谈。这是美方今年加征关税以来，中美双方首次举行高层会谈。",
        {(TALKS, "scheduled")},
    ),
    # teams to meet "soon", time and place to be agreed: not yet set
    ("中美元首通电话", "两国元首同意双方经贸团队尽快举行新一轮会谈，具体时间地点另行商定。", set()),
]

TRAPS = [
    # what a post online says is a rumour
    ("禁毒局辟谣", "近日有网络帖文称，我国将放宽芬太尼类物质整类列管。"),
    # a bill's aim is a proposal
    ("参议员提出议案", "数名美国参议员提出议案，主张在五年内把对华关税提高到至少40%。"),
    # an event as a point in time past (中断后…首次) states nothing now
    ("新华社电", "这是3月磋商中断后双方首次恢复面对面接触。"),
    # a call between the presidents is no round of talks; progress as a thing is no progress made
    ("习近平同美国总统特朗普通电话", "习近平指出，日内瓦经贸会谈取得的进展来之不易。"),
    # a tariff on imports from everywhere is not the tariff on China
    ("特朗普宣布对全球进口商品加征15%临时关税", "白宫称该关税最长实施150天。"),
    # talks about an extension are no extension
    ("商务部答记者问", "答：双方在会谈中就关税暂停期的延期问题交换了意见。"),
    # what accounts online say is a rumour
    ("网传消息", "近日，有境外自媒体账号称中方将放宽对芬太尼类物质的整类列管。"),
    # a measure said to stand is no new measure
    ("禁毒办发言人表示", "发言人强调，我国对前体化学品的列管和管控不受影响。"),
    # a correction retells the error it corrects
    ("更正", "本网6月2日刊发的报道中，将磋商举行地误写为曼谷，应为河内。特此更正。"),
    # a bureau is no person: 由公安部禁毒局负责人率领
    (
        "中美禁毒合作工作组召开视频会议",
        "中方代表团由公安部禁毒局负责人率领，双方就芬太尼管控交流意见。",
    ),
    # a report the ministry calls untrue (…的报道不实) is denied, in the title and the body
    (
        "外交部：所谓中方暂停中美禁毒合作的报道不实",
        "针对有境外媒体报道称中方已暂停中美禁毒合作工作组机制，发言人表示，该报道不实。",
    ),
    # a quoted claim the ministry calls untrue (“…”系不实报道 / 纯属谣言)
    (
        "公安部：“中方已解除芬太尼类物质整类管制”系不实报道",
        "公安部有关负责人表示，相关说法纯属捏造，整类管制一直有效。",
    ),
    ("海关总署：“中方恢复对美加征25%关税”纯属谣言", ""),
    # a claim named without quotes (所谓…) and then called untrue (系不实报道)
    ("禁毒办：所谓中方已放宽芬太尼类物质整类列管系不实报道", "禁毒办负责人在发布会上作上述表示。"),
    # a tariff on one product, no country named: not the tariff on China
    (
        "特朗普宣布自下月起对进口品牌药征收100%关税",
        "白宫称，自下月起对进口品牌药和专利药征收100%关税，此举被视为对中美谈判施压。",
    ),
    # 如 opening a clause is "if": a threat
    ("【滚动】特朗普：如北京不放宽出口管制，将对华再加征50%关税", ""),
    # what "a short video" says, naming no one, is a rumour
    ("辟谣", "近日有短视频称中方将解除对芬太尼类物质的整类列管。"),
    # what a blogger says is a rumour
    ("博主热议", "有博主据此称中美经贸谈判已经破裂。"),
    # what "seems right" to a president is his view
    (
        "特朗普发文称“对华征收60%关税似乎是对的”",
        "特朗普在社交媒体发文称：“对中国征收60%的关税似乎是对的！”",
    ),
    # talks that "seem" stalled are a guess
    ("评论：中美经贸谈判似乎停滞", "有评论认为，美中经贸谈判似乎停滞。"),
    # a forecast in a year-end review is a forecast, not a move told late
    (
        "年终综述：中美经贸这一年",
        "多位学者预计，若禁毒合作顺利，美方明年有可能取消剩余10%的芬太尼关税。",
    ),
    # a sector tariff named in a clause before the figure's own (钢铁 under 232)
    (
        "美国将进口钢铝关税提高至50%",
        "美国总统特朗普签署公告，将依据232条款对进口钢铁、铝征收的关税从25%提高至50%，英国暂维持"
        "25%，此举适用于包括中国在内的所有贸易伙伴。",
    ),
    # an arrangement between China and a third country
    ("中加经贸", "加拿大总理访华期间，中加双方达成经贸安排，中方下调油菜籽关税。"),
    # a broker's note is a forecast
    ("券商策略：暂停期若到期未延，关税将跳升", "报告的基准情形仍是暂停期再延长一年。"),
]


@pytest.mark.parametrize(("title", "body", "expected"), MOVES)
def test_what_moves_a_fact(
    analyser: RuleAnalyser, title: str, body: str, expected: set[tuple[str, object]]
) -> None:
    assert firm(claims(analyser, title, body)) >= expected


def test_a_pointing_phrase_is_not_the_whole(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "答记者问", "答：美方将取消5%的所谓芬太尼关税，相关关税由15%降至10%。")
    assert not [c for c in found if c.fact_id == US]


@pytest.mark.parametrize(("title", "body", "expected"), EXACTLY)
def test_the_words_near_a_pattern(
    analyser: RuleAnalyser, title: str, body: str, expected: set[tuple[str, object]]
) -> None:
    assert firm(claims(analyser, title, body)) == expected


def test_said_back_to_a_level_is_a_change(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "快讯：中美达成协议，美方将对华芬太尼关税降回5%", "")
    assert [c.event for c in found if c.fact_id == FENT] == [True]


@pytest.mark.parametrize(("title", "body"), TRAPS)
def test_traps_move_nothing(analyser: RuleAnalyser, title: str, body: str) -> None:
    assert firm(claims(analyser, title, body)) == set()


def test_a_headline_called_inaccurate_is_the_error(analyser: RuleAnalyser) -> None:
    """表述不准确 names the corrected headline's claim as the error; the right value stands."""
    found = firm(
        claims(
            analyser,
            "更正",
            "本报5月3日第2版标题《美方取消对华芬太尼关税》表述不准确。美方是将芬太尼关税由20%降至10%。",
        )
    )
    assert (FENT, 10.0) in found
    assert (FENT, 0.0) not in found
