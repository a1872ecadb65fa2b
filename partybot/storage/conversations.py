"""The rows every inbound message reads and writes, in as few statements as the work allows.

The engine runs these for each update, so they are the hot path of the bot: the statements are
built once (no per-call construction or cache-key work), the account, its member, the member's
roles and the conversation arrive in one joined read, and the conversation is read and written
as plain columns rather than as an ORM object nobody else uses.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    DateTime,
    Insert,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import Table

from partybot.storage.models import (
    Base,
    ChannelAccount,
    Conversation,
    Member,
    Organisation,
    ProcessedUpdate,
    Role,
)

ACCOUNTS = Base.metadata.tables[ChannelAccount.__tablename__]
CONVERSATIONS = Base.metadata.tables[Conversation.__tablename__]
PROCESSED = Base.metadata.tables[ProcessedUpdate.__tablename__]
SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ConversationRow:
    """Where one account's conversation stands; `version` guards concurrent writers."""

    id: int
    dialog: str | None
    step: str | None
    state: dict[str, Any]
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class Arrival:
    """What the engine needs about the sender before it can handle their message."""

    account: ChannelAccount
    member: Member | None
    roles: list[tuple[str, int, str]]  # (role, organisation id, its name), as directory.roles_of
    conversation: ConversationRow | None  # None only before the account's first message


_ACCOUNT = and_(
    ChannelAccount.channel == bindparam("channel"),
    ChannelAccount.external_id == bindparam("external_id"),
)
_ARRIVAL_COLUMNS = (
    ChannelAccount,
    Member,
    Conversation.id,
    Conversation.dialog,
    Conversation.step,
    Conversation.state,
    Conversation.version,
    Conversation.updated_at,
    Role.role,
    Organisation.id,
    Organisation.name,
)


def _with_member_and_conversation(statement: Select[Any]) -> Select[Any]:
    return (
        statement.outerjoin(Member, Member.id == ChannelAccount.member_id)
        .outerjoin(Conversation, Conversation.account_id == ChannelAccount.id)
        .outerjoin(Role, Role.member_id == Member.id)
        .outerjoin(Organisation, Organisation.id == Role.org_id)
        .order_by(Organisation.id, Role.role)
    )


_ARRIVAL = _with_member_and_conversation(select(*_ARRIVAL_COLUMNS).where(_ACCOUNT))
_SENDERS = tuple_(ChannelAccount.channel, ChannelAccount.external_id)

# SQLite: every sender named in one IN list (statements there cost little; round trips nothing).
_ARRIVALS = _with_member_and_conversation(
    select(*_ARRIVAL_COLUMNS).where(_SENDERS.in_(bindparam("senders", expanding=True)))
)

# PostgreSQL runs a data-modifying WITH: every update id is claimed and every sender's rows read
# in one round trip, the first two columns naming the claims that were new. Selecting from the
# one-row aggregate keeps that answer when no sender has an account yet. Arrays, not IN lists,
# keep the statement's text, and so its prepared plan, the same whatever the group's size.
_TEXTS = postgresql.ARRAY(String)
_CLAIMED = (
    postgresql.insert(PROCESSED)
    .from_select(
        ["channel", "update_key", "processed_at"],
        select(
            func.unnest(bindparam("update_channels", type_=_TEXTS)),
            func.unnest(bindparam("update_keys", type_=_TEXTS)),
            bindparam("now", type_=PROCESSED.c.processed_at.type),
        ),
    )
    .on_conflict_do_nothing()
    .returning(PROCESSED.c.channel, PROCESSED.c.update_key)
    .cte("claimed")
)
_CLAIMS = select(
    func.array_agg(_CLAIMED.c.channel).label("claimed_channels"),
    func.array_agg(_CLAIMED.c.update_key).label("claimed_keys"),
).subquery("claims")
_NAMED = (
    func.unnest(bindparam("sender_channels", type_=_TEXTS), bindparam("sender_ids", type_=_TEXTS))
    .table_valued("channel", "external_id")
    .render_derived()
)
_CLAIMING_ARRIVALS = _with_member_and_conversation(
    select(_CLAIMS.c.claimed_channels, _CLAIMS.c.claimed_keys, *_ARRIVAL_COLUMNS)
    .select_from(_CLAIMS)
    .outerjoin(ChannelAccount, _SENDERS.in_(select(_NAMED.c.channel, _NAMED.c.external_id)))
)

_NEW_CONVERSATION = select(
    ACCOUNTS.c.id,
    literal({}, CONVERSATIONS.c.state.type),
    literal(0),
    bindparam("now", type_=CONVERSATIONS.c.updated_at.type),
).where(
    ACCOUNTS.c.channel == bindparam("channel"), ACCOUNTS.c.external_id == bindparam("external_id")
)

_SAVE = (
    update(CONVERSATIONS)
    .where(
        CONVERSATIONS.c.id == bindparam("row_id"),
        CONVERSATIONS.c.version == bindparam("row_version"),
    )
    .values(
        dialog=bindparam("dialog"),
        step=bindparam("step"),
        state=bindparam("state", type_=CONVERSATIONS.c.state.type),
        version=CONVERSATIONS.c.version + 1,
        updated_at=bindparam("now", type_=CONVERSATIONS.c.updated_at.type),
    )
)

# PostgreSQL writes a group's conversations in one UPDATE … FROM unnest(arrays), one array per
# `Save.parameters` name, the version check applied row by row.
_SAVES = (
    func.unnest(
        bindparam("row_id", type_=postgresql.ARRAY(Integer)),
        bindparam("row_version", type_=postgresql.ARRAY(Integer)),
        bindparam("dialog", type_=_TEXTS),
        bindparam("step", type_=_TEXTS),
        bindparam("state", type_=postgresql.ARRAY(postgresql.JSONB)),
        bindparam("now", type_=postgresql.ARRAY(DateTime(timezone=True))),
    )
    .table_valued("row_id", "row_version", "dialog", "step", "state", "now")
    .render_derived()
)
_SAVE_ALL = (
    update(CONVERSATIONS)
    .where(
        CONVERSATIONS.c.id == _SAVES.c.row_id,
        CONVERSATIONS.c.version == _SAVES.c.row_version,
    )
    .values(
        dialog=_SAVES.c.dialog,
        step=_SAVES.c.step,
        state=_SAVES.c.state,
        version=CONVERSATIONS.c.version + 1,
        updated_at=_SAVES.c.now,
    )
)

_SEEN = (
    update(ACCOUNTS)
    .where(ACCOUNTS.c.id == bindparam("account_id"))
    .values(last_seen_at=bindparam("now", type_=ACCOUNTS.c.last_seen_at.type))
)


@cache
def _insert_ignoring(dialect: str, table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING for this backend, values given at execution."""
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


@cache
def _insert_conversation(dialect: str) -> Insert:
    """A conversation for the account found by channel and external id, unless it has one."""
    module = postgresql if dialect == "postgresql" else sqlite
    columns = ["account_id", "state", "version", "updated_at"]
    return (
        module.insert(CONVERSATIONS)
        .from_select(columns, _NEW_CONVERSATION)
        .on_conflict_do_nothing()
    )


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name


async def claim_update(session: AsyncSession, channel: str, update_key: str, now: datetime) -> bool:
    """Record an update id as handled; False when it already was (a redelivery)."""
    result = await session.execute(
        _insert_ignoring(_dialect(session), PROCESSED),
        {"channel": channel, "update_key": update_key, "processed_at": now},
    )
    return bool(result.rowcount)


async def arrival(session: AsyncSession, channel: str, external_id: str) -> Arrival | None:
    """The sender's account, member, roles and conversation in one read; None for a stranger."""
    result = await session.execute(_ARRIVAL, {"channel": channel, "external_id": external_id})
    return _arrival(result.all())


async def claim_and_arrive(
    session: AsyncSession,
    updates: Sequence[tuple[str, str]],
    senders: Sequence[tuple[str, str]],
    now: datetime,
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], Arrival]]:
    """`claim_update` for every (channel, update id), then `arrival` for every (channel, sender):
    the claims that were new, and the senders known so far. One statement on PostgreSQL, where
    a round trip costs more than the statements themselves; a crowd's updates share it."""
    if _dialect(session) != "postgresql":
        claimed = {
            (channel, key)
            for channel, key in updates
            if await claim_update(session, channel, key, now)
        }
        result = await session.execute(_ARRIVALS, {"senders": list(senders)})
        return claimed, _arrivals(result.all())
    channels, keys = zip(*updates, strict=True) if updates else ((), ())
    sender_channels, sender_ids = zip(*senders, strict=True) if senders else ((), ())
    parameters = {
        "update_channels": list(channels),
        "update_keys": list(keys),
        "sender_channels": list(sender_channels),
        "sender_ids": list(sender_ids),
        "now": now,
    }
    rows = (await session.execute(_CLAIMING_ARRIVALS, parameters)).all()
    claimed_channels, claimed_keys = rows[0][0] or [], rows[0][1] or []
    return set(zip(claimed_channels, claimed_keys, strict=True)), _arrivals(
        [row[2:] for row in rows]
    )


def _arrivals(rows: Sequence[Any]) -> dict[tuple[str, str], Arrival]:
    """Several senders' `_ARRIVAL_COLUMNS` rows, by (channel, sender)."""
    by_sender: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        if row[0] is not None:
            by_sender.setdefault((row[0].channel, row[0].external_id), []).append(row)
    return {sender: arrived for sender, own in by_sender.items() if (arrived := _arrival(own))}


def _arrival(rows: Sequence[Any]) -> Arrival | None:
    """Rows of `_ARRIVAL_COLUMNS`, one per role held (one when none): the rest repeats."""
    if not rows or rows[0][0] is None:
        return None
    account, member, row_id, dialog, step, state, version, updated_at = rows[0][:8]
    conversation = (
        None
        if row_id is None
        else ConversationRow(row_id, dialog, step, state or {}, version, updated_at)
    )
    roles = [(role, org_id, name) for *_, role, org_id, name in rows if role is not None]
    return Arrival(account, member, roles, conversation)


async def open_account(
    session: AsyncSession, channel: str, external_id: str, display_name: str | None, now: datetime
) -> None:
    """Create the account and its conversation where missing (safe when two race)."""
    dialect = _dialect(session)
    await session.execute(
        _insert_ignoring(dialect, ACCOUNTS),
        {
            "channel": channel,
            "external_id": external_id,
            "display_name": display_name,
            "last_seen_at": now,
            "created_at": now,
        },
    )
    await session.execute(
        _insert_conversation(dialect), {"channel": channel, "external_id": external_id, "now": now}
    )


@dataclass(frozen=True)
class Save:
    """A conversation's new state, to be written over the version that was read."""

    row: ConversationRow
    dialog: str
    step: str
    state: dict[str, Any]
    now: datetime

    def parameters(self) -> dict[str, Any]:
        return {
            "row_id": self.row.id,
            "row_version": self.row.version,
            "dialog": self.dialog,
            "step": self.step,
            "state": self.state,
            "now": self.now,
        }


async def save_conversations(session: AsyncSession, saves: Sequence[Save]) -> bool:
    """Write every new state; False when another writer came first to any of them (then the
    caller must undo the lot). One statement on PostgreSQL, however many there are."""
    if not saves:
        return True
    if _dialect(session) != "postgresql":
        for save in saves:
            if (await session.execute(_SAVE, save.parameters())).rowcount != 1:
                return False
        return True
    rows = [save.parameters() for save in saves]
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    result = await session.execute(_SAVE_ALL, columns)
    return result.rowcount == len(saves)


async def mark_seen(session: AsyncSession, account: ChannelAccount, now: datetime) -> None:
    """The account spoke now (what makes an unreachable account reachable again).

    Kept to the minute: within a minute of the last mark the write is skipped, since the mark
    only orders a member's channels and ends an unreachable spell, and neither needs seconds. An
    account marked unreachable is marked seen at once, so it is reachable again.
    """
    last = account.last_seen_at
    if account.unreachable_at is None and last is not None and last <= now < last + SEEN_RESOLUTION:
        return
    await session.execute(_SEEN, {"account_id": account.id, "now": now})
