"""How a neutral reply looks on Telegram: keyboards for elderly members, escaping, splitting."""

import html

import pytest
from aiogram.methods import SendMessage
from hypothesis import given
from hypothesis import strategies as st

from partybot.dialogs import texts
from partybot.dialogs.model import Attachment, Choice, Reply
from partybot.handlers.telegram.render import (
    inline_keyboard,
    joined,
    render,
    reply_keyboard,
    split_text,
    utf16_len,
)
from partybot.storage.models import StoredFile

NAV = [
    Choice(texts.NAV_BACK),
    Choice(texts.NAV_CANCEL),
    Choice(texts.NAV_HELP),
    Choice(texts.NAV_MENU),
]


async def no_files(token: str) -> StoredFile | None:
    return None


def labels(markup) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.keyboard]


def test_long_labels_get_a_row_each_and_navigation_follows() -> None:
    reply = Reply(
        "Bác muốn làm gì?",
        choices=[Choice("Nộp đảng phí"), Choice("Xin nhận xét nơi cư trú")],
        nav=NAV,
        placeholder="Gõ số thứ tự",
    )
    markup = reply_keyboard(reply)
    assert markup is not None
    assert labels(markup) == [
        ["Nộp đảng phí"],
        ["Xin nhận xét nơi cư trú"],
        [texts.NAV_BACK, texts.NAV_CANCEL],
        [texts.NAV_HELP, texts.NAV_MENU],
    ]
    assert markup.resize_keyboard and markup.is_persistent
    assert markup.input_field_placeholder == "Gõ số thứ tự"


def test_short_answers_share_a_row() -> None:
    markup = reply_keyboard(Reply("Có phải?", choices=[Choice(texts.YES), Choice(texts.NO)]))
    assert markup is not None
    assert labels(markup) == [[texts.YES, texts.NO]]
    assert markup.input_field_placeholder == texts.TG_PLACEHOLDER


def test_contact_button_comes_first_and_is_mentioned() -> None:
    reply = Reply(texts.ASK_PHONE, nav=[Choice(texts.NAV_HELP)], request_contact=True)
    markup = reply_keyboard(reply)
    assert markup is not None
    assert markup.keyboard[0][0].request_contact is True
    assert markup.keyboard[0][0].text == texts.SHARE_CONTACT


def test_a_plain_message_keeps_the_keyboard_on_screen() -> None:
    assert reply_keyboard(Reply("Xong rồi ạ!")) is None
    assert inline_keyboard(Reply("Xong rồi ạ!")) is None


def test_callback_data_over_64_bytes_is_refused() -> None:
    reply = Reply("Duyệt?", actions=[Choice("Đồng ý", payload="đ" * 33)])
    with pytest.raises(ValueError, match="1-64 bytes"):
        inline_keyboard(reply)


async def test_text_is_escaped_and_inline_buttons_carry_the_token() -> None:
    reply = Reply("Ghi chú: <b>1 & 2</b>", actions=[Choice("Đồng ý", payload="k3m9xq2abcde")])
    [call] = await render(42, reply, no_files)
    assert isinstance(call, SendMessage)
    assert call.text == "Ghi chú: &lt;b&gt;1 &amp; 2&lt;/b&gt;"
    assert call.parse_mode == "HTML"
    assert call.reply_markup is not None
    button = call.reply_markup.inline_keyboard[0][0]  # type: ignore[union-attr]
    assert (button.text, button.callback_data) == ("Đồng ý", "k3m9xq2abcde")


async def test_an_expired_file_is_left_out() -> None:
    from partybot.dialogs.model import Attachment

    reply = Reply("Mã QR:", attachments=[Attachment("gone", "qr.png", is_image=True)])
    calls = await render(42, reply, no_files)
    assert [type(call) for call in calls] == [SendMessage]


def test_split_prefers_line_breaks() -> None:
    text = ("a" * 3000 + "\n") + ("b" * 3000 + "\n") + "c" * 10
    assert split_text(text) == ["a" * 3000, "b" * 3000 + "\n" + "c" * 10]


def test_split_without_breaks_cuts_hard() -> None:
    assert [len(piece) for piece in split_text("x" * 9000)] == [4096, 4096, 808]


@given(st.text(alphabet=st.sampled_from("ađẳng <>&\n 😀"), max_size=12000))
def test_split_pieces_fit_and_lose_nothing(text: str) -> None:
    pieces = split_text(text, limit=500)
    assert all(0 < utf16_len(html.escape(piece, quote=False)) <= 500 for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_statements_ride_in_the_message_of_the_question_after_them() -> None:
    qr = Attachment("token", "qr.png", is_image=True)
    question = Reply("Bác cần làm gì tiếp ạ?", choices=[Choice("Nộp đảng phí")], nav=NAV)
    turn = [Reply("Xong rồi ạ!"), Reply("  "), Reply("Mã QR:", attachments=[qr]), question]
    first, second = joined(turn)
    assert first.text == "Xong rồi ạ!\n\nMã QR:" and first.attachments == [qr]
    assert second == question  # nothing came between the QR code and the question
    assert joined([Reply("Một."), question, Reply("Hai."), Reply("Ba.")]) == [
        Reply("Một.\n\nBác cần làm gì tiếp ạ?", choices=question.choices, nav=NAV),
        Reply("Hai.\n\nBa."),
    ]
    prompt = Reply("Duyệt?", actions=[Choice("Duyệt", "t:1")])
    assert joined([Reply("Có việc mới."), prompt]) == [
        Reply("Có việc mới.\n\nDuyệt?", actions=prompt.actions)
    ]
