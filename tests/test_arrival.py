"""The engine's first statement: claim the update id and read the sender's rows, once per id."""

from datetime import UTC, datetime

from partybot.storage import conversations
from partybot.storage.db import Database

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_an_update_id_is_claimed_once_whether_or_not_the_sender_is_known(
    db: Database,
) -> None:
    async with db.transaction() as session:
        fresh, arrived = await conversations.claim_and_arrive(session, "tg", "42", "u1", NOW)
        assert (fresh, arrived) == (True, None)  # a stranger: nothing to read yet
        await conversations.open_account(session, "tg", "42", "Ba", NOW)
    async with db.transaction() as session:
        assert await conversations.claim_and_arrive(session, "tg", "42", "u1", NOW) == (False, None)
        fresh, arrived = await conversations.claim_and_arrive(session, "tg", "42", "u2", NOW)
    assert fresh and arrived is not None
    assert arrived.account.display_name == "Ba" and arrived.member is None
    assert arrived.conversation is not None and arrived.roles == []
    async with db.transaction() as session:  # another channel's ids are its own
        fresh, _ = await conversations.claim_and_arrive(session, "zalo", "42", "u1", NOW)
    assert fresh
