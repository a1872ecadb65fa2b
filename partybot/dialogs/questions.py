"""Common questions answered from the catalogue, personalised where the member's data allows."""

from datetime import date

from partybot.dialogs.flow import Ctx
from partybot.dialogs.understanding import FaqEntry
from partybot.services import directory
from partybot.storage.models import RoleKind


def party_years(admitted_on: date | None, today: date) -> int | None:
    if admitted_on is None:
        return None
    years = today.year - admitted_on.year
    return years - ((today.month, today.day) < (admitted_on.month, admitted_on.day))


async def personal_values(ctx: Ctx) -> dict[str, str]:
    """The placeholders a personal answer may use; missing ones make it fall back to generic."""
    member = ctx.member
    if member is None:
        return {}
    values: dict[str, str] = {}
    years = party_years(member.admitted_on, ctx.local_now.date())
    if years is not None:
        values["party_years"] = str(years)
    cell = await directory.organisation(ctx.session, member.official_org_id)
    values["cell_name"] = cell.name
    for placeholder, role in (
        ("secretary_name", RoleKind.SECRETARY),
        ("treasurer_name", RoleKind.TREASURER),
    ):
        holders = await directory.nearest_holders(ctx.session, member.official_org_id, [role])
        if holders:
            values[placeholder] = holders[0].full_name
    return values


async def answer(ctx: Ctx, entry: FaqEntry) -> str:
    return entry.render(await personal_values(ctx))
