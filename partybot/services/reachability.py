"""Which channel reaches a member, and who can no longer be reached through the bot at all.

An account is reachable once linked, unless the channel told us the person blocked the bot; a
message from them after that (a newer `last_seen_at`) makes it reachable again, so nobody has to
clear a flag by hand. Members with no reachable account are the secretary's list of people to
contact in person ("cần liên hệ trực tiếp").
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import directory, notifications
from partybot.storage.models import ChannelAccount, Member, Urgency

UNREACHABLE_EVENT = "member.unreachable"


def reachable_clause() -> ColumnElement[bool]:
    """SQL for "linked and not blocked since the person last wrote"."""
    return and_(
        ChannelAccount.member_id.is_not(None),
        or_(
            ChannelAccount.unreachable_at.is_(None),
            ChannelAccount.last_seen_at > ChannelAccount.unreachable_at,
        ),
    )


def is_reachable(account: ChannelAccount) -> bool:
    if account.member_id is None:
        return False
    return account.unreachable_at is None or account.last_seen_at > account.unreachable_at


async def accounts_by_member(
    session: AsyncSession, member_ids: Collection[int]
) -> dict[int, list[ChannelAccount]]:
    """Each member's linked accounts, the most recently used first."""
    found: dict[int, list[ChannelAccount]] = {member_id: [] for member_id in member_ids}
    if not found:
        return found
    rows = await session.scalars(
        select(ChannelAccount)
        .where(ChannelAccount.member_id.in_(list(found)))
        .order_by(ChannelAccount.last_seen_at.desc(), ChannelAccount.id.desc())
    )
    for account in rows:
        assert account.member_id is not None
        found[account.member_id].append(account)
    return found


async def mark_unreachable(
    session: AsyncSession, account_id: int, reason: str, now: datetime
) -> None:
    await session.execute(
        update(ChannelAccount)
        .where(ChannelAccount.id == account_id)
        .values(unreachable_at=now, unreachable_reason=reason[:200])
    )


async def tell_secretary(session: AsyncSession, member_id: int, now: datetime) -> bool:
    """Tell the member's secretary, once per episode, that the bot can no longer reach them.

    An episode ends when the member writes to the bot again, so the dedup key carries the time
    they were last seen: a second block after they came back is reported again, repeats are not.
    """
    member = await directory.member(session, member_id)
    last_seen = await session.scalar(
        select(ChannelAccount.last_seen_at)
        .where(ChannelAccount.member_id == member_id)
        .order_by(ChannelAccount.last_seen_at.desc())
        .limit(1)
    )
    episode = int(last_seen.timestamp()) if last_seen else 0
    secretaries = [
        person
        for person in await directory.nearest_holders(session, member.official_org_id)
        if person.id != member_id
    ]
    if not secretaries:
        return False
    cell = await directory.organisation(session, member.official_org_id)
    return await notifications.notify(
        session,
        secretaries[0].id,
        UNREACHABLE_EVENT,
        {"name": member.full_name, "phone": member.phone or "", "cell": cell.name},
        now,
        Urgency.PROMPT,
        dedup_key=f"{UNREACHABLE_EVENT}:{member_id}:{episode}",
    )


def _no_reachable_account() -> ColumnElement[bool]:
    return ~exists().where(ChannelAccount.member_id == Member.id, reachable_clause())


@dataclass(frozen=True)
class ToContact:
    """A member the bot cannot reach; `linked` tells "stopped answering" from "never joined"."""

    member: Member
    linked: bool


async def contact_in_person(session: AsyncSession, org_ids: Collection[int]) -> list[ToContact]:
    """The secretary's "cần liên hệ trực tiếp" list: members of the organisations they look after
    (and those below; official or residence) whom no channel reaches, in one query."""
    covered: set[int] = set()
    for org_id in org_ids:
        covered.update(await directory.descendants(session, org_id))
    members = list(
        await session.scalars(
            select(Member).where(
                or_(Member.official_org_id.in_(covered), Member.residence_org_id.in_(covered)),
                _no_reachable_account(),
            )
        )
    )
    linked = set(
        await session.scalars(
            select(ChannelAccount.member_id).where(
                ChannelAccount.member_id.in_([member.id for member in members])
            )
        )
    )
    people = sorted(members, key=directory.name_order)
    return [ToContact(member, member.id in linked) for member in people]
