"""The engine's statements about a group of updates: claim the ids and read the senders' rows
before the turns, write the conversations after them."""

from datetime import UTC, datetime

from partybot.storage import conversations
from partybot.storage.db import Database

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_an_update_id_is_claimed_once_whether_or_not_the_sender_is_known(
    db: Database,
) -> None:
    async with db.transaction() as session:
        claimed, arrivals = await conversations.claim_and_arrive(
            session, [("tg", "u1")], [("tg", "42")], NOW
        )
        assert (claimed, arrivals) == ({("tg", "u1")}, {})  # a stranger: nothing to read yet
        await conversations.open_account(session, "tg", "42", "Ba", NOW)
    async with db.transaction() as session:
        claimed, arrivals = await conversations.claim_and_arrive(
            session, [("tg", "u1"), ("tg", "u2"), ("tg", "u2")], [("tg", "42")], NOW
        )
    assert claimed == {("tg", "u2")}  # u1 is a redelivery; u2 claimed once though named twice
    arrived = arrivals[("tg", "42")]
    assert arrived.account.display_name == "Ba" and arrived.member is None
    assert arrived.conversation is not None and arrived.roles == []
    async with db.transaction() as session:  # another channel's ids are its own
        claimed, _ = await conversations.claim_and_arrive(session, [("zalo", "u1")], [], NOW)
    assert claimed == {("zalo", "u1")}


async def test_several_senders_arrive_in_one_read_each_with_only_their_own_rows(
    db: Database,
) -> None:
    async with db.transaction() as session:
        for key, name in [("1", "An"), ("2", "Bình")]:
            await conversations.open_account(session, "tg", key, name, NOW)
        await conversations.open_account(session, "zalo", "1", "Chi", NOW)
    async with db.transaction() as session:
        claimed, arrivals = await conversations.claim_and_arrive(
            session, [], [("tg", "1"), ("tg", "2"), ("tg", "3"), ("zalo", "1")], NOW
        )
    assert claimed == set()
    names = {sender: arrived.account.display_name for sender, arrived in arrivals.items()}
    assert names == {("tg", "1"): "An", ("tg", "2"): "Bình", ("zalo", "1"): "Chi"}
    conversations_read = {arrived.conversation.id for arrived in arrivals.values()}  # type: ignore[union-attr]
    assert len(conversations_read) == 3


async def test_conversations_are_written_together_unless_another_writer_came_first(
    db: Database,
) -> None:
    async with db.transaction() as session:
        for key in ("1", "2"):
            await conversations.open_account(session, "tg", key, None, NOW)
    async with db.transaction() as session:
        _, arrivals = await conversations.claim_and_arrive(
            session, [], [("tg", "1"), ("tg", "2")], NOW
        )
    rows = [arrivals[("tg", key)].conversation for key in ("1", "2")]
    saves = [conversations.Save(row, "menu", "root", {"n": 1}, NOW) for row in rows if row]
    async with db.transaction() as session:
        assert await conversations.save_conversations(session, saves)
    async with db.transaction() as session:  # the same versions again: both are stale now
        assert not await conversations.save_conversations(session, saves[1:])
        _, after = await conversations.claim_and_arrive(session, [], [("tg", "1")], NOW)
    written = after[("tg", "1")].conversation
    assert written is not None and (written.step, written.state, written.version) == (
        "root",
        {"n": 1},
        rows[0].version + 1,  # type: ignore[union-attr]
    )
