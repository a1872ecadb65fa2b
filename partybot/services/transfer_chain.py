"""Who must act on a transfer, in which order: the chain is planned once and stored.

Official (QĐ 294 §6.3.1): home chi bộ -> home đảng ủy (comments, seals the dossier) -> the
superior level when the move leaves the đảng bộ (it issues the letter) -> the receiving đảng ủy
-> the receiving chi bộ, which records the member. Inside one đảng bộ the đảng ủy issues the
letter and the receiving chi bộ records the member. Temporary: home chi bộ -> home đảng ủy (issues
the letter) -> the receiving chi bộ. The steps after the letter open when the member presents it.

Which organisation is "the superior level" differs between trees (since 7/2025 a ward đảng ủy
may itself act as the directly superior level), so `Settings.transfer_superior` sets it per tree.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import directory
from partybot.settings import Settings
from partybot.storage.models import Organisation, OrgKind, RoleKind, StepKind, TransferKind

PARENT = "parent"
SELF = "self"

STEP_ROLES: dict[str, tuple[str, ...]] = {
    StepKind.CELL: (RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY),
    StepKind.OFFICE: (RoleKind.COMMITTEE_OFFICER,),
    StepKind.SUPERIOR: (RoleKind.COMMITTEE_OFFICER,),
    StepKind.RECEIVING_OFFICE: (RoleKind.COMMITTEE_OFFICER,),
    # The receiving đảng ủy office may record the arrival when the cell's secretary does not.
    StepKind.RECEIVING_CELL: (
        RoleKind.SECRETARY,
        RoleKind.DEPUTY_SECRETARY,
        RoleKind.COMMITTEE_OFFICER,
    ),
    StepKind.EXTENSION: (RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY),
}


class ChainConfigError(ValueError):
    """TRANSFER_SUPERIOR names an organisation code that is not in the roster."""


@dataclass(frozen=True)
class PlannedStep:
    kind: StepKind
    org_id: int
    issues_letter: bool = False
    after_arrival: bool = False


async def base_committee(session: AsyncSession, cell_id: int) -> Organisation:
    """The đảng ủy a chi bộ belongs to (the chi bộ itself when it answers to nothing)."""
    chain = await directory.ancestors(session, cell_id)
    for org in chain[1:]:
        if org.kind == OrgKind.COMMITTEE:
            return org
    return chain[0]


async def superior_of(
    session: AsyncSession, committee: Organisation, settings: Settings
) -> Organisation | None:
    """The level that issues the letter when a move leaves `committee`'s đảng bộ.

    None means the committee issues it itself.
    """
    rule = PARENT
    for org in await directory.ancestors(session, committee.id):
        if org.code in settings.transfer_superior:
            rule = settings.transfer_superior[org.code]
            break
    if rule == SELF:
        return None
    if rule == PARENT:
        if committee.parent_id is None:
            return None
        return await directory.organisation(session, committee.parent_id)
    found = await session.scalar(select(Organisation).where(Organisation.code == rule))
    if found is None:
        raise ChainConfigError(f"TRANSFER_SUPERIOR names unknown organisation {rule!r}")
    return found


async def leaves_dang_bo(session: AsyncSession, from_cell: int, to_cell: int) -> bool:
    home = await base_committee(session, from_cell)
    there = await base_committee(session, to_cell)
    return home.id != there.id


async def plan(
    session: AsyncSession,
    kind: TransferKind,
    from_cell: int,
    to_cell: int | None,
    settings: Settings,
) -> list[PlannedStep]:
    """The whole chain; `to_cell` None is a destination outside the roster (no receiving side)."""
    home = await base_committee(session, from_cell)
    steps = [PlannedStep(StepKind.CELL, from_cell)]
    if kind == TransferKind.TEMPORARY:
        steps.append(PlannedStep(StepKind.OFFICE, home.id, issues_letter=True))
        if to_cell is not None:
            steps.append(PlannedStep(StepKind.RECEIVING_CELL, to_cell, after_arrival=True))
        return steps
    internal = to_cell is not None and not await leaves_dang_bo(session, from_cell, to_cell)
    superior = None if internal else await superior_of(session, home, settings)
    steps.append(PlannedStep(StepKind.OFFICE, home.id, issues_letter=superior is None))
    if superior is not None:
        steps.append(PlannedStep(StepKind.SUPERIOR, superior.id, issues_letter=True))
    if to_cell is None:
        return steps
    if not internal:
        there = await base_committee(session, to_cell)
        steps.append(PlannedStep(StepKind.RECEIVING_OFFICE, there.id, after_arrival=True))
    steps.append(PlannedStep(StepKind.RECEIVING_CELL, to_cell, after_arrival=True))
    return steps
