"""Inspection and complaint flags: while one is open the member cannot be transferred (rule 10).

Only the committee office (or an administrator) above the member's official cell sets or clears
them; the flag says nothing about its contents beyond a short note.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import audit, directory
from partybot.storage.models import FlagKind, Member, MemberFlag, RoleKind

FLAG_ROLES = (RoleKind.COMMITTEE_OFFICER, RoleKind.ADMIN)


class FlagNotAllowed(PermissionError):
    """The actor is not the committee office of this member."""


async def open_flags(session: AsyncSession, member_id: int) -> list[MemberFlag]:
    return list(
        (
            await session.scalars(
                select(MemberFlag)
                .where(MemberFlag.member_id == member_id, MemberFlag.cleared_at.is_(None))
                .order_by(MemberFlag.id)
            )
        ).all()
    )


async def may_flag(session: AsyncSession, actor_id: int, member: Member) -> bool:
    return await directory.holds_role_over(session, actor_id, member.official_org_id, FLAG_ROLES)


async def set_flag(
    session: AsyncSession,
    member: Member,
    kind: FlagKind,
    note: str | None,
    actor_id: int,
    now: datetime,
) -> MemberFlag:
    if not await may_flag(session, actor_id, member):
        raise FlagNotAllowed
    flag = MemberFlag(member_id=member.id, kind=kind, note=note, set_by_id=actor_id, set_at=now)
    session.add(flag)
    await session.flush()
    audit.record(session, "flag.set", f"member:{member.id}", actor_id, {"kind": str(kind)})
    return flag


async def clear_flag(
    session: AsyncSession, flag_id: int, actor_id: int, now: datetime
) -> MemberFlag | None:
    """Clear an open flag; None when it was already cleared."""
    flag = await session.get(MemberFlag, flag_id)
    if flag is None or flag.cleared_at is not None:
        return None
    member = await directory.member(session, flag.member_id)
    if not await may_flag(session, actor_id, member):
        raise FlagNotAllowed
    flag.cleared_at, flag.cleared_by_id = now, actor_id
    audit.record(session, "flag.cleared", f"member:{member.id}", actor_id, {"kind": flag.kind})
    return flag
