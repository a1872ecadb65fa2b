"""The member's own details, and the secretary's invite codes for members not yet linked."""

from partybot.dialogs import inputs, texts
from partybot.dialogs.flow import (
    REGISTRY,
    Ask,
    Ctx,
    Dialog,
    Done,
    Invalid,
    MenuEntry,
    Outcome,
    everyone,
    with_role,
)
from partybot.services import directory, identity
from partybot.services.phones import display_phone


async def show_profile(ctx: Ctx) -> Outcome:
    member = ctx.member
    assert member is not None
    cell = await directory.organisation(ctx.session, member.official_org_id)
    residence = (
        (await directory.organisation(ctx.session, member.residence_org_id)).name
        if member.residence_org_id
        else texts.NONE_VALUE
    )
    return Done(
        texts.PROFILE.format(
            name=member.full_name,
            card=member.card_number,
            cell=cell.name,
            residence=residence,
            phone=display_phone(member.phone) if member.phone else texts.NONE_VALUE,
        )
    )


REGISTRY.menu_entry(
    MenuEntry(
        "profile",
        texts.PROFILE_TITLE,
        everyone,
        order=80,
        synonyms=("thong tin", "thong tin ca nhan", "ho so cua toi"),
        run=show_profile,
    )
)

invite = REGISTRY.dialog(Dialog("invite", texts.INVITE_TITLE, resumable=False))
REGISTRY.menu_entry(
    MenuEntry(
        "invite",
        texts.INVITE_TITLE,
        with_role(*directory.MANAGER_ROLES),
        order=70,
        synonyms=("ma kich hoat", "cap ma", "moi"),
    )
)


@invite.ask("phone")
async def ask_invite_phone(ctx: Ctx) -> Ask:
    return Ask(texts.INVITE_ASK_PHONE, parse=inputs.phone, placeholder="0912 345 678")


@invite.on("phone")
async def on_invite_phone(ctx: Ctx, phone: str) -> Outcome:
    assert ctx.member is not None
    target = await directory.member_by_phone(ctx.session, phone)
    if target is None:
        raise Invalid(texts.INVITE_NOT_FOUND.format(phone=display_phone(phone)))
    if not await directory.can_manage_member(ctx.session, ctx.member.id, target):
        raise Invalid(texts.INVITE_NOT_YOURS.format(name=target.full_name))
    issued = await identity.issue_invite(
        ctx.session, target, ctx.member.id, ctx.now, ctx.settings.invite_ttl_hours
    )
    expires = issued.expires_at.astimezone(ctx.settings.tz).strftime("%H:%M %d/%m/%Y")
    return Done(
        texts.INVITE_DONE.format(
            name=target.full_name, code=issued.code, expires=expires, token=issued.token
        )
    )
