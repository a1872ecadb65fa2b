"""First contact: find the member in the roster and link this channel account to them.

A Telegram contact shared from the sender's own account links at once. Otherwise the member types
their phone number and the one-time code from their secretary, or sends the long invite token
(a Telegram deep link carries it; on Zalo it can be the first message).
"""

from partybot.dialogs import inputs, texts
from partybot.dialogs.flow import REGISTRY, Ask, Ctx, Dialog, Done, Goto, Invalid, Outcome, Stay
from partybot.dialogs.model import InboundKind
from partybot.services import directory, identity
from partybot.services.phones import display_phone
from partybot.storage.models import Member

onboarding = REGISTRY.dialog(
    Dialog("onboarding", "Đăng ký", help=texts.ASK_PHONE_HELP, resumable=False)
)


def phone_or_token(text: str) -> tuple[str, str]:
    if identity.looks_like_token(text):
        return ("token", identity.normalise_token(text))
    return ("phone", inputs.phone(text))


def code(text: str) -> str:
    digits = "".join(ch for ch in text if not ch.isspace())
    if len(digits) != 6 or not digits.isdigit():
        raise Invalid(texts.BAD_CODE_SHAPE)
    return digits


@onboarding.ask("phone")
async def ask_phone(ctx: Ctx) -> Ask:
    return Ask(
        texts.ASK_PHONE,
        parse=phone_or_token,
        help=texts.ASK_PHONE_HELP,
        request_contact=True,
        placeholder="0912 345 678",
    )


@onboarding.on("phone")
async def on_phone(ctx: Ctx, answer: tuple[str, str]) -> Outcome:
    kind, value = answer
    if kind == "token":
        member = await identity.redeem_token(ctx.session, value, ctx.now)
        if member is None:
            raise Invalid(texts.TOKEN_UNKNOWN)
        return await linked(ctx, member, "invite")
    member = await directory.member_by_phone(ctx.session, value)
    if member is None:
        raise Invalid(texts.PHONE_UNKNOWN.format(phone=display_phone(value)))
    inbound = ctx.inbound
    if inbound.kind == InboundKind.CONTACT:
        if inbound.contact_is_own:
            return await linked(ctx, member, "contact")
        return Stay(texts.CONTACT_NOT_OWN)
    ctx.data["member_id"] = member.id
    return Goto("code")


@onboarding.ask("code")
async def ask_code(ctx: Ctx) -> Ask:
    return Ask(texts.ASK_CODE, parse=code, help=texts.ASK_CODE_HELP, placeholder="123456")


@onboarding.on("code")
async def on_code(ctx: Ctx, typed: str) -> Outcome:
    member = await directory.member(ctx.session, ctx.data["member_id"])
    settings = ctx.settings
    result = await identity.check_code(
        ctx.session, member, typed, ctx.now, settings.invite_max_attempts
    )
    if result == identity.CodeCheck.OK:
        return await linked(ctx, member, "code")
    if result == identity.CodeCheck.WRONG:
        invite_left = await identity.attempts_left(
            ctx.session, member, ctx.now, settings.invite_max_attempts
        )
        raise Invalid(texts.CODE_WRONG.format(left=invite_left))
    ctx.data.clear()
    message = texts.CODE_LOCKED if result == identity.CodeCheck.LOCKED else texts.CODE_NONE
    ctx.say(message)
    return Goto("phone")


async def linked(ctx: Ctx, member: Member, how: str) -> Outcome:
    await identity.link(ctx.session, ctx.account, member, how, ctx.now)
    ctx.member = member
    ctx.roles = await directory.roles_of(ctx.session, member.id)
    cell = await directory.organisation(ctx.session, member.official_org_id)
    return Done(texts.LINKED.format(name=member.full_name, cell=cell.name))
