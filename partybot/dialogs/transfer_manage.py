"""What secretaries and committee offices see: transfers leaving and entering their units.

Each request opens with where it stands and its whole history. The receiving side can record
that the letter was handed in; the committee office marks and clears inspection or complaint
flags, which stop a member's transfer while open.
"""

from partybot.dialogs import inputs, texts
from partybot.dialogs import transfer_format as fmt
from partybot.dialogs.flow import (
    REGISTRY,
    Ask,
    Ctx,
    Dialog,
    Done,
    Goto,
    Invalid,
    MenuEntry,
    Option,
    Outcome,
    with_role,
)
from partybot.dialogs.model import Attachment
from partybot.services import directory, member_flags, transfer_views, transfers
from partybot.services import transfer_letters as letters
from partybot.storage.models import FlagKind, RoleKind, Transfer, TransferStatus

MANAGE_ROLES = (
    RoleKind.SECRETARY,
    RoleKind.DEPUTY_SECRETARY,
    RoleKind.COMMITTEE_OFFICER,
    RoleKind.ADMIN,
)

manage = REGISTRY.dialog(Dialog("transfer_manage", texts.TRANSFER_MANAGE_TITLE, resumable=False))
REGISTRY.menu_entry(
    MenuEntry(
        "transfer_manage",
        texts.TRANSFER_MANAGE_TITLE,
        with_role(*MANAGE_ROLES),
        order=45,
        synonyms=texts.TRANSFER_MANAGE_WORDS,
    )
)


@manage.ask("what")
async def ask_what(ctx: Ctx) -> Ask:
    options = [
        Option("out", texts.TRANSFER_MANAGE_OUT),
        Option("in", texts.TRANSFER_MANAGE_IN),
        Option("temporary", texts.TRANSFER_MANAGE_TEMPORARY),
    ]
    if ctx.has_role(*member_flags.FLAG_ROLES):
        options.append(Option("flags", texts.TRANSFER_MANAGE_FLAGS))
    return Ask(texts.TRANSFER_MANAGE_ASK, options)


@manage.on("what")
async def on_what(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    if key == "flags":
        return Goto("flag_who")
    if key == "temporary":
        return Done(await temporary_list(ctx))
    if not await transfer_views.for_manager(ctx.session, ctx.member.id, key):
        return Done(texts.TRANSFER_MANAGE_NONE)
    ctx.data["direction"] = key
    return Goto("list")


async def temporary_list(ctx: Ctx) -> str:
    assert ctx.member is not None
    rows = []
    for org_id in await transfer_views.managed_orgs(ctx.session, ctx.member.id):
        for stay in await transfer_views.temporary_members(ctx.session, org_id):
            person = await directory.member(ctx.session, stay.member_id)
            home = await directory.organisation(ctx.session, person.official_org_id)
            here = await directory.organisation(ctx.session, stay.org_id)
            rows.append(
                texts.TRANSFER_MANAGE_TEMPORARY_ROW.format(
                    name=person.full_name,
                    from_=home.name,
                    org=here.name,
                    end=fmt.day(stay.end_date),
                )
            )
    if not rows:
        return texts.TRANSFER_MANAGE_NO_TEMPORARY
    return texts.TRANSFER_MANAGE_TEMPORARY_LIST.format(rows="\n".join(rows))


@manage.ask("list")
async def ask_list(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    found = await transfer_views.for_manager(ctx.session, ctx.member.id, ctx.data["direction"])
    options = []
    for transfer in found:
        person = await directory.member(ctx.session, transfer.member_id)
        label = texts.TRANSFER_MANAGE_ITEM.format(
            name=person.full_name, state=texts.TRANSFER_STATE[transfer.status]
        )
        options.append(Option(str(transfer.id), label))
    return Ask(texts.TRANSFER_MANAGE_PICK.format(count=len(options)), options)


@manage.on("list")
async def on_list(ctx: Ctx, key: str) -> Outcome:
    ctx.data["transfer_id"] = int(key)
    return Goto("detail")


async def viewed(ctx: Ctx) -> Transfer:
    assert ctx.member is not None
    transfer = await ctx.session.get(Transfer, ctx.data["transfer_id"])
    if transfer is None or not await transfer_views.may_view(ctx.session, ctx.member.id, transfer):
        raise Invalid(texts.TRANSFER_GONE)
    return transfer


@manage.ask("detail")
async def ask_detail(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    transfer = await viewed(ctx)
    found = await transfer_views.standing(ctx.session, transfer)
    person = await directory.member(ctx.session, transfer.member_id)
    lines = [
        f"{person.full_name} ({person.card_number})",
        fmt.describe(found, ctx.settings.tz),
        texts.TRANSFER_MANAGE_HISTORY,
        *await fmt.history_lines(ctx.session, found.history, ctx.settings.tz),
    ]
    options = []
    receiving = await transfers.may_receive(ctx.session, ctx.member.id, transfer)
    if transfer.status == TransferStatus.ISSUED and receiving:
        options.append(Option("presented", texts.TRANSFER_MANAGE_PRESENTED))
    if found.letter is not None:
        options.append(Option("letter", texts.TRANSFER_MANAGE_LETTER))
    return Ask("\n".join(lines), options)


@manage.on("detail")
async def on_detail(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    transfer = await viewed(ctx)
    if key == "letter":
        letter = await letters.current(ctx.session, transfer.id)
        if letter is None:
            raise Invalid(texts.TRANSFER_GONE)
        stored = await letters.store_pdf(ctx.session, transfer, letter, ctx.settings, ctx.now)
        return Done(
            texts.TRANSFER_LETTER_AGAIN.format(number=letter.number),
            [Attachment(stored.token, stored.filename, is_image=False)],
        )
    try:
        step = await transfers.mark_presented(ctx.session, transfer.id, ctx.member.id, ctx.now)
    except (transfers.AlreadyHandled, transfers.NotAllowed):
        raise Invalid(texts.TRANSFER_GONE) from None
    person = await directory.member(ctx.session, transfer.member_id)
    org = await directory.organisation(ctx.session, step.org_id)
    return Done(texts.TRANSFER_MANAGE_PRESENTED_DONE.format(name=person.full_name, org=org.name))


# -- inspection and complaint flags ---------------------------------------------------------


@manage.ask("flag_who")
async def ask_flag_who(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_FLAG_ASK, parse=inputs.free_text(40))


@manage.on("flag_who")
async def on_flag_who(ctx: Ctx, typed: str) -> Outcome:
    assert ctx.member is not None
    person = await transfer_views.member_by_phone_or_card(ctx.session, typed)
    if person is None:
        raise Invalid(texts.TRANSFER_FLAG_NOT_FOUND.format(typed=typed))
    if not await member_flags.may_flag(ctx.session, ctx.member.id, person):
        raise Invalid(texts.TRANSFER_FLAG_NOT_YOURS.format(name=person.full_name))
    ctx.data["flag_member"] = person.id
    return Goto("flag_action")


@manage.ask("flag_action")
async def ask_flag_action(ctx: Ctx) -> Ask:
    person = await directory.member(ctx.session, ctx.data["flag_member"])
    open_flags = await member_flags.open_flags(ctx.session, person.id)
    if open_flags:
        kinds = ", ".join(texts.TRANSFER_FLAG_KIND[f.kind] for f in open_flags)
        state = texts.TRANSFER_FLAG_OPEN.format(kinds=kinds)
    else:
        state = texts.TRANSFER_FLAG_NONE
    options = [
        Option(FlagKind.INSPECTION, texts.TRANSFER_FLAG_SET_INSPECTION),
        Option(FlagKind.COMPLAINT, texts.TRANSFER_FLAG_SET_COMPLAINT),
    ]
    if open_flags:
        options.append(Option("clear", texts.TRANSFER_FLAG_CLEAR))
    return Ask(texts.TRANSFER_FLAG_STATE.format(name=person.full_name, flags=state), options)


@manage.on("flag_action")
async def on_flag_action(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    person = await directory.member(ctx.session, ctx.data["flag_member"])
    try:
        if key == "clear":
            for flag in await member_flags.open_flags(ctx.session, person.id):
                await member_flags.clear_flag(ctx.session, flag.id, ctx.member.id, ctx.now)
            return Done(texts.TRANSFER_FLAG_CLEARED.format(name=person.full_name))
        await member_flags.set_flag(
            ctx.session, person, FlagKind(key), None, ctx.member.id, ctx.now
        )
    except member_flags.FlagNotAllowed:
        raise Invalid(texts.TRANSFER_FLAG_NOT_YOURS.format(name=person.full_name)) from None
    return Done(texts.TRANSFER_FLAG_DONE.format(name=person.full_name))
