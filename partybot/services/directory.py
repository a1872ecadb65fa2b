"""Organisations, members and roles: lookups and the authorisation rule every service uses.

A role held in an organisation also covers every organisation below it: a committee officer of a
ward đảng ủy acts on all its chi bộ.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services.textnorm import fold
from partybot.storage.models import Member, Organisation, Role, RoleKind

APPROVER_ROLES = (RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY)
MANAGER_ROLES = (
    RoleKind.SECRETARY,
    RoleKind.DEPUTY_SECRETARY,
    RoleKind.COMMITTEE_OFFICER,
    RoleKind.ADMIN,
)


@dataclass(frozen=True)
class HeldRole:
    role: str
    org_id: int
    org_name: str


def name_order(member: Member) -> tuple[str, str]:
    """Vietnamese lists go by given name (the last word), then the whole name, diacritics aside."""
    folded = fold(member.full_name)
    return folded.rsplit(" ", 1)[-1], folded


async def member_by_phone(session: AsyncSession, phone: str) -> Member | None:
    return await session.scalar(select(Member).where(Member.phone == phone))


async def member(session: AsyncSession, member_id: int) -> Member:
    found = await session.get(Member, member_id)
    if found is None:
        raise LookupError(f"member {member_id}")
    return found


async def organisation(session: AsyncSession, org_id: int) -> Organisation:
    found = await session.get(Organisation, org_id)
    if found is None:
        raise LookupError(f"organisation {org_id}")
    return found


async def roles_of(session: AsyncSession, member_id: int) -> list[HeldRole]:
    rows = await session.execute(
        select(Role.role, Organisation.id, Organisation.name)
        .join(Organisation, Organisation.id == Role.org_id)
        .where(Role.member_id == member_id)
        .order_by(Organisation.id, Role.role)
    )
    return [HeldRole(role, org_id, name) for role, org_id, name in rows]


async def ancestors(session: AsyncSession, org_id: int) -> list[Organisation]:
    """The organisation itself, then its parent, up to the root."""
    chain: list[Organisation] = []
    current: int | None = org_id
    while current is not None and len(chain) < 16:
        org = await organisation(session, current)
        chain.append(org)
        current = org.parent_id
    return chain


async def descendants(session: AsyncSession, org_id: int) -> list[int]:
    """Ids of the organisation and everything below it."""
    found = [org_id]
    frontier = [org_id]
    while frontier:
        children = (
            await session.scalars(
                select(Organisation.id).where(Organisation.parent_id.in_(frontier))
            )
        ).all()
        found.extend(children)
        frontier = list(children)
    return found


async def holds_role_over(
    session: AsyncSession, actor_id: int, org_id: int, roles: Collection[str] = MANAGER_ROLES
) -> bool:
    """True when the actor holds one of `roles` in the organisation or in one above it."""
    chain = [org.id for org in await ancestors(session, org_id)]
    hit = await session.scalar(
        select(Role.id)
        .where(Role.member_id == actor_id, Role.org_id.in_(chain), Role.role.in_(list(roles)))
        .limit(1)
    )
    return hit is not None


async def can_manage_member(
    session: AsyncSession, actor_id: int, target: Member, roles: Collection[str] = MANAGER_ROLES
) -> bool:
    """A manager of the member's official cell, or of their residence cell."""
    for org_id in (target.official_org_id, target.residence_org_id):
        if org_id is not None and await holds_role_over(session, actor_id, org_id, roles):
            return True
    return False


async def holders(
    session: AsyncSession, org_id: int, roles: Sequence[str] = APPROVER_ROLES
) -> list[Member]:
    """Members holding these roles in this very organisation, in the order of `roles`."""
    rows = (
        await session.execute(
            select(Member, Role.role)
            .join(Role, Role.member_id == Member.id)
            .where(Role.org_id == org_id, Role.role.in_(list(roles)))
        )
    ).all()
    rank = {role: index for index, role in enumerate(roles)}
    return [m for m, _ in sorted(rows, key=lambda row: (rank[row[1]], row[0].id))]


async def nearest_holders(
    session: AsyncSession, org_id: int, roles: Sequence[str] = APPROVER_ROLES
) -> list[Member]:
    """Holders in the organisation, or failing that in the nearest one above it."""
    for org in await ancestors(session, org_id):
        found = await holders(session, org.id, roles)
        if found:
            return found
    return []
