"""Helper mode: a community helper picks a member, gets their consent, then acts for them.

While a session is active the engine runs the helper's turns as the member's (their menu, their
procedures), records everything with both names, and tells the member what was done.
"""

from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_, select

from partybot.dialogs import texts
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
    Stay,
    with_role,
)
from partybot.dialogs.model import Choice, Reply
from partybot.services import assist, directory, notifications
from partybot.services.phones import InvalidPhone, normalise_phone
from partybot.services.textnorm import fold
from partybot.storage.models import AssistSession, Member, Role

NAME_SCORE = 80
MAX_CANDIDATES = 8

dialog = REGISTRY.dialog(Dialog("assist", texts.ASSIST_TITLE, resumable=False))
REGISTRY.menu_entry(
    MenuEntry(
        "assist",
        texts.ASSIST_TITLE,
        with_role(*assist.HELPER_ROLES),
        order=60,
        synonyms=("ho tro", "giup dang vien", "lam thay"),
    )
)


async def end_assist(ctx: Ctx) -> Outcome:
    assert ctx.actor is not None and ctx.member is not None
    row = await assist.active(ctx.session, ctx.actor.id, ctx.now)
    name = ctx.member.full_name
    if row is not None:
        await assist.end(ctx.session, row, ctx.now)
    ctx.member, ctx.roles = ctx.actor, await directory.roles_of(ctx.session, ctx.actor.id)
    return Done(texts.ASSIST_ENDED.format(name=name))


END_ENTRY = MenuEntry("assist_end", texts.ASSIST_END, lambda *_: True, order=0, run=end_assist)


@REGISTRY.notice("assist.consent")
def consent_notice(params: dict[str, Any]) -> Reply:
    return Reply(
        texts.ASSIST_CONSENT_NOTICE.format(**params),
        actions=[Choice(texts.ASSIST_AGREE, token) for _, token in params["tokens"]],
    )


@REGISTRY.notice("assist.ready")
def ready_notice(params: dict[str, Any]) -> Reply:
    return Reply(texts.ASSIST_READY.format(**params))


@REGISTRY.notice("assist.done")
def done_notice(params: dict[str, Any]) -> Reply:
    return Reply(texts.ASSIST_DONE_NOTICE.format(**params))


@REGISTRY.action("assist.consent")
async def member_consents(ctx: Ctx, session_id: int) -> Outcome:
    assert ctx.member is not None
    row = await ctx.session.get(AssistSession, session_id)
    if row is None or not await assist.consent_by_member(ctx.session, row, ctx.member.id, ctx.now):
        return Done(texts.ALREADY_HANDLED)
    helper = await directory.member(ctx.session, row.helper_id)
    await notifications.notify(
        ctx.session, helper.id, "assist.ready", {"name": ctx.member.full_name}, ctx.now
    )
    return Done(texts.ASSIST_THANKS.format(helper=helper.full_name))


async def candidates(ctx: Ctx, typed: str) -> list[Member]:
    """Members of the organisations where the helper holds the role, by phone or by name."""
    assert ctx.member is not None
    org_ids: set[int] = set()
    held = await ctx.session.scalars(
        select(Role.org_id).where(
            Role.member_id == ctx.member.id, Role.role.in_(assist.HELPER_ROLES)
        )
    )
    for org_id in held:
        org_ids.update(await directory.descendants(ctx.session, org_id))
    scope = or_(Member.official_org_id.in_(org_ids), Member.residence_org_id.in_(org_ids))
    try:
        phone = normalise_phone(typed)
    except InvalidPhone:
        phone = None
    if phone:
        found = await ctx.session.scalar(select(Member).where(Member.phone == phone, scope))
        return [found] if found else []
    wanted = fold(typed)
    people = (await ctx.session.scalars(select(Member).where(scope))).all()
    scored = [(fuzz.WRatio(wanted, fold(p.full_name)), p) for p in people if p.id != ctx.member.id]
    best = sorted((pair for pair in scored if pair[0] >= NAME_SCORE), key=lambda pair: -pair[0])
    return [person for _, person in best[:MAX_CANDIDATES]]


@dialog.ask("who")
async def ask_who(ctx: Ctx) -> Ask:
    return Ask(texts.ASSIST_WHO, parse=lambda text: text.strip()[:100] or None)


@dialog.on("who")
async def on_who(ctx: Ctx, typed: str) -> Outcome:
    found = await candidates(ctx, typed)
    if not found:
        raise Invalid(texts.ASSIST_NOT_FOUND)
    if len(found) == 1:
        return await chosen(ctx, found[0])
    ctx.data["candidates"] = [p.id for p in found]
    return Goto("pick")


@dialog.ask("pick")
async def ask_pick(ctx: Ctx) -> Ask:
    people = [await directory.member(ctx.session, i) for i in ctx.data["candidates"]]
    options = []
    for person in people:
        cell = await directory.organisation(ctx.session, person.official_org_id)
        options.append(Option(str(person.id), f"{person.full_name} ({cell.name})"))
    return Ask(texts.ASSIST_PICK, options)


@dialog.on("pick")
async def on_pick(ctx: Ctx, key: str) -> Outcome:
    return await chosen(ctx, await directory.member(ctx.session, int(key)))


async def chosen(ctx: Ctx, member: Member) -> Outcome:
    assert ctx.member is not None
    if not await assist.may_assist(ctx.session, ctx.member.id, member):
        raise Invalid(texts.ASSIST_NOT_YOURS.format(name=member.full_name))
    row = await assist.begin(ctx.session, ctx.member, member, ctx.now)
    ctx.data.update({"session": row.id, "name": member.full_name})
    return Goto("consent")


def four_digits(text: str) -> str:
    digits = "".join(text.split())
    if len(digits) != 4 or not digits.isdigit():
        raise Invalid(texts.ASSIST_BAD_CODE)
    return digits


@dialog.ask("consent")
async def ask_consent(ctx: Ctx) -> Ask:
    return Ask(
        texts.ASSIST_WAIT.format(name=ctx.data["name"]),
        [Option("check", texts.ASSIST_CHECK)],
        parse=four_digits,
    )


@dialog.on("consent")
async def on_consent(ctx: Ctx, answer: str) -> Outcome:
    row = await ctx.session.get(AssistSession, ctx.data["session"])
    assert row is not None and ctx.member is not None
    if answer == "check":
        if row.consented_at is None:
            return Stay(texts.ASSIST_NOT_YET)
    else:
        result = await assist.consent_by_code(ctx.session, row, answer, ctx.now)
        if result == assist.Consent.WRONG:
            raise Invalid(texts.ASSIST_WRONG_CODE)
        if result == assist.Consent.LOCKED:
            ctx.data.clear()
            ctx.say(texts.ASSIST_LOCKED)
            return Goto("who")
    helper = ctx.member
    ctx.actor, ctx.member = helper, await directory.member(ctx.session, row.member_id)
    ctx.roles = await directory.roles_of(ctx.session, row.member_id)
    return Done(texts.ASSIST_STARTED.format(name=ctx.data["name"]))
