"""Understanding member messages: normalisation, number answers, the matcher and its data."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partybot.dialogs.understanding import (
    ENGLISH,
    MAX_CHARS,
    NONE,
    Catalogue,
    FaqEntry,
    Intent,
    Matcher,
    _fold_split,
    evaluate,
    format_report,
    load_catalogue,
    load_corpus,
    normalise,
    parse_number,
    report_corpus,
)
from partybot.services.textnorm import fold

CORPUS = Path(__file__).parent / "corpus" / "messages.tsv"
INTENTS = {
    "dues",
    "dues_history",
    "review",
    "transfer",
    "transfer_official",
    "transfer_temporary",
    "approvals",
    "dues_report",
    "broadcast",
    "human",
    "help",
    "menu",
    "back",
    "cancel",
    "yes",
    "no",
    "greeting",
    "thanks",
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


# --------------------------------------------------------------------------- the corpus


def test_corpus_accuracy_and_no_confident_mistake(matcher: Matcher) -> None:
    report = evaluate(load_corpus(CORPUS), matcher)
    ok = report.accuracy >= 0.95 and not report.confident_wrong
    assert ok, format_report(report, "corpus")


def test_corpus_labels_are_known_and_splits_marked(matcher: Matcher) -> None:
    rows = load_corpus(CORPUS)
    assert len(rows) >= 300
    assert {row.split for row in rows} == {"dev", "heldout"}
    assert {row.expected for row in rows} <= matcher.labels
    assert len({row.text for row in rows}) == len(rows)


def test_corpus_is_not_the_phrase_list(matcher: Matcher) -> None:
    """Under 10% of the messages may be copies of a phrase, or the test would test itself."""
    catalogue = matcher.catalogue
    rows = load_corpus(CORPUS)
    for phrases in (
        {fold(p) for i in catalogue.intents.values() for p in i.phrases},
        {fold(p) for f in catalogue.faqs.values() for p in f.phrases},
    ):
        copies = [row.text for row in rows if fold(row.text) in phrases]
        assert len(copies) < 0.10 * len(rows), copies


def test_report_corpus_covers_each_split() -> None:
    text = report_corpus(CORPUS)
    assert text.startswith("dev:")
    assert "\n\nheldout:" in text
    assert "\n\nall:" in text


# --------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nộp ĐP ko?", "nop dang phi khong"),
        ("đóng đảng phí", "nop dang phi"),
        ("dong dang phi", "dong dang phi"),
        ("chuyển shđ", "chuyen sinh hoat dang"),
        ("gặp bt cb", "gap bi thu chi bo"),
        ("dc k", "duoc khong"),
        ("làm ntn vs cái này", "lam nhu the nao voi cai nay"),
        ("hok bít j", "khong bit gi"),
        ("tks e", "cam on e"),
        ("thank you", "cam on"),
        ("Dừng lại!", "ngung lai"),
        ("đúng rồi", "dung roi"),
        ("đi vắng ba tháng", "di vang 3 thang"),
        ("năm mươi năm tuổi đảng", "50 nam tuoi dang"),
        ("bảy mươi tám tuổi", "78 tuoi"),
        ("hai mươi mốt ngày", "21 ngay"),
        ("sau tháng 6", "sau thang 6"),
        ("chuyển tạm thời", "chuyen tam thoi"),
        ("bà ơi", "ba oi"),
        ("", ""),
    ],
)
def test_normalise(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


# --------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2", 2),
        ("2.", 2),
        (" 3 ) ", 3),
        ("số 2", 2),
        ("so 2", 2),
        ("hai", 2),
        ("Hai ạ", 2),
        ("thứ hai", 2),
        ("thu ba", 3),
        ("thứ nhất", 1),
        ("cái đầu tiên", 1),
        ("thứ tư", 4),
        ("chọn số 3 ạ", 3),
        ("1️⃣", 1),
        ("mười", 10),
        ("mười hai", 12),
        ("hai mươi mốt", 21),
        ("cháu chọn 4 nhé", 4),
        ("02", 2),
        ("", None),
        ("👍", None),
        ("không", None),
        ("2 tháng", None),
        ("không phải số 2", None),
        ("1 hoặc 2", None),
        ("0912345678", None),
        ("nộp đảng phí", None),
        ("tạm thời", None),
    ],
)
def test_parse_number(typed: str, expected: int | None) -> None:
    assert parse_number(typed) == expected


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize("text", ["", "   ", "👍👍", "😂", "...", "???", "2", "0912345678"])
def test_no_words_is_none(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert (result.label, result.confident) == (NONE, False)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("nộp đảng phí", "dues"),
        ("nop dp", "dues"),
        ("chuyen sinh hoat tam thoi", "transfer_temporary"),
        ("có", "yes"),
        ("ko", "no"),
        ("dừng lại", "cancel"),
        ("quay lại", "back"),
        ("cảm ơn cháu", "thanks"),
        ("nộp tiền mặt được không", "faq:dues_cash"),
    ],
)
def test_plain_requests_are_confident(matcher: Matcher, text: str, label: str) -> None:
    result = matcher.match(text)
    assert (result.label, result.confident) == (label, True)


def test_english_is_recognised(matcher: Matcher) -> None:
    result = matcher.match("How do I pay my party dues?")
    assert result.label == ENGLISH
    assert matcher.match("nop dang phi online").label == "dues"


def test_allowed_restricts_labels(matcher: Matcher) -> None:
    assert matcher.match("dạ vâng", allowed={"yes", "no"}).label == "yes"
    assert matcher.match("nộp đảng phí", allowed={"yes", "no"}).label == NONE
    restricted = matcher.match("How do I pay my party dues?", allowed={"yes", "no"})
    assert restricted.label != ENGLISH
    cash = matcher.match("nộp tiền mặt được không", allowed={"back", "faq:*"})
    assert cash.label == "faq:dues_cash"
    assert all(label in {"back"} or label.startswith("faq:") for label, _ in cash.alternatives)
    assert matcher.match("quay lại", allowed=set()).label == NONE


def test_a_question_about_a_procedure_is_not_the_procedure(matcher: Matcher) -> None:
    result = matcher.match("nhận xét nơi cư trú để làm gì")
    assert not (result.confident and result.label == "review")


def test_negation_is_not_a_near_miss(matcher: Matcher) -> None:
    assert matcher.match("không có lương hưu thì đóng bao nhiêu").label == "faq:dues_no_income"
    assert matcher.match("lương hưu thì đóng đảng phí bao nhiêu").label == "faq:dues_pension"


def test_greeting_or_thanks_with_a_request_is_the_request(matcher: Matcher) -> None:
    assert matcher.match("chào cháu, bác muốn đóng đảng phí").label == "dues"
    assert matcher.match("cảm ơn cháu. cho bác hỏi nộp tiền mặt được không").label == (
        "faq:dues_cash"
    )


def test_very_long_input_reads_only_the_start(matcher: Matcher) -> None:
    chatter = ("cháu ơi bác muốn nộp đảng phí " + "và hôm nay trời mưa to quá " * 400)[:10_000]
    assert len(chatter) == 10_000
    assert matcher.match(chatter) == matcher.match(chatter[:MAX_CHARS])
    assert matcher.match("cháu ơi bác muốn nộp đảng phí " + "🙂" * 9_970).label == "dues"
    assert matcher.match("x" * 10_000).label == NONE
    assert matcher.match(" ".join(f"tu{i}" for i in range(2_000))).label == NONE


# Whitespace str.split() cuts at, combining marks (one that case-folds into a letter, one that
# does not combine), and letters that fold or case-fold to more than one character.
_FOLD_EDGES = "\t\n\x1c\x85\xa0\u2000\u3000\u0301\u0323\u0345\u034fđĐßİﬁạỘ.,_a1 "


@given(st.one_of(st.text(max_size=200), st.text(st.sampled_from(_FOLD_EDGES), max_size=40)))
def test_the_matcher_folds_word_by_word_as_fold_does_the_whole_text(text: str) -> None:
    assert _fold_split(text) == fold(text).split()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_known_label(text: str) -> None:
    result = Matcher.default().match(text)
    assert result.label in Matcher.default().labels
    assert 0.0 <= result.score <= 100.0
    assert not (result.confident and result.label == NONE)
    assert all(0.0 <= score <= 100.0 for _, score in result.alternatives)


def test_offer_text_for_guesses(matcher: Matcher) -> None:
    assert matcher.offer("dues") == "Bác muốn nộp đảng phí phải không?"
    assert matcher.offer("faq:dues_cash") == (
        "Có phải Bác muốn hỏi: Có nộp đảng phí bằng tiền mặt cho chi bộ được không?"
    )
    assert matcher.offer("yes") is None
    assert matcher.offer("faq:nope") is None


def test_a_phrase_may_not_belong_to_two_labels() -> None:
    catalogue = Catalogue(
        {"dues": Intent("dues", ("nộp đảng phí",)), "help": Intent("help", ("Nộp đảng phí!",))},
        {},
    )
    with pytest.raises(ValueError, match="belongs to"):
        Matcher(catalogue)


# --------------------------------------------------------------------------- the data


def test_every_intent_has_phrases_and_procedures_have_offers() -> None:
    intents = load_catalogue().intents
    assert set(intents) == INTENTS
    for name, intent in intents.items():
        assert len(intent.phrases) >= 3, name
        if name not in {"yes", "no", "greeting", "thanks"}:
            assert intent.offer and intent.offer.endswith("?"), name


def test_faq_entries_are_complete() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.faqs) >= 30
    for entry in catalogue.faqs.values():
        assert len(entry.phrases) >= 3, entry.id
        assert entry.question.endswith("?"), entry.id
        assert "Bác" in entry.answer, entry.id
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.answer) if s]
        assert 1 <= len(sentences) <= 4, entry.id
        assert re.search(r"(rules-vi|PRODUCT|DESIGN)\.md", entry.source), entry.id
        assert entry.offer is None or entry.offer in catalogue.intents, entry.id


def test_personal_answers_fall_back_to_the_generic_one() -> None:
    entry = load_catalogue().faqs["dues_amount"]
    assert entry.placeholders == {"monthly_amount"}
    assert entry.render({"monthly_amount": "35.000 đ"}).startswith(
        "Mức đảng phí của Bác là 35.000 đ mỗi tháng."
    )
    assert entry.render({}) == entry.answer
    assert entry.render({"monthly_amount": ""}) == entry.answer
    assert entry.render(None) == entry.answer
    plain = FaqEntry("x", "Hỏi?", ("a", "b", "c"), "Đáp.", "rules-vi.md A")
    assert plain.render({"monthly_amount": "1"}) == "Đáp."


def _answer(faq_id: str) -> str:
    entry = load_catalogue().faqs[faq_id]
    return " ".join(filter(None, [entry.answer, entry.personal]))


def test_answers_keep_the_reference_warnings() -> None:
    """The facts rules-vi.md insists on, and the things it says never to say."""
    everything = " ".join(_answer(i) for i in load_catalogue().faqs)
    assert not re.search(r"bắt buộc phải (nộp|chuyển khoản)", everything)
    assert "Không bắt buộc" in _answer("dues_online_required")
    assert "tiền mặt" in _answer("dues_cash")
    removal = _answer("dues_three_months")
    assert "chi bộ" in removal and "trợ lý không quyết định" in removal
    assert "sẽ bị xóa tên" not in everything
    assert "Vẫn phải đóng" in _answer("dues_excused_meetings")
    age = _answer("dues_exempt_age")
    assert "chưa được miễn" in age and "50 năm tuổi đảng" in age
    assert "trợ cấp hưu trí xã hội" in _answer("dues_social_pension")
    hardship = _answer("dues_hardship")
    assert all(x in hardship for x in ("30%", "50%", "70%", "12 tháng", "đơn"))
    assert "60 ngày làm việc" in _answer("transfer_start_deadline")
    assert "30 ngày làm việc" in _answer("transfer_letter_deadline")
    when = _answer("transfer_when")
    assert all(x in when for x in ("3 tháng đến dưới 1 năm", "3 tháng đến 2 năm", "dưới 3 tháng"))
    assert "không phải làm thủ tục gì" in _answer("transfer_short")
    dossier = _answer("transfer_dossier_chat")
    assert dossier.startswith("Không") and "tài liệu mật" in dossier
    retiree = _answer("review_retiree")
    assert retiree.startswith("Không") and "đang đi làm" in retiree
    who = _answer("review_who")
    assert "Mặt trận" in who and "bí thư" in who
    # NOT FOUND in the reference: no invented limits, days or percentages.
    assert "chưa có thông tin chắc chắn" in _answer("dues_prepay")
    assert "chưa nêu rõ" in _answer("transfer_processing_time")
    assert "không ghi số ngày" in _answer("review_how_long")
    assert "70%" not in _answer("dues_where_money")
