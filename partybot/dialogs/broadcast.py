"""Gửi thông báo: a secretary or committee office announces something to its members.

The sender picks the organisation, types the text, sees exactly what members will get and how
many the bot can reach, and confirms; the same entry shows the progress of earlier ones.
"""

from typing import Any

from partybot.dialogs import inputs, texts
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
from partybot.dialogs.model import Reply
from partybot.services import broadcasts, directory

SNIPPET = 40
PROGRESS = "progress"

broadcast = REGISTRY.dialog(Dialog("broadcast", texts.BROADCAST_TITLE, help=texts.BROADCAST_HELP))
REGISTRY.menu_entry(
    MenuEntry(
        "broadcast",
        texts.BROADCAST_TITLE,
        with_role(*broadcasts.BROADCAST_ROLES),
        order=60,
        synonyms=("thong bao", "gui tin", "bao tin", "nhan tin"),
        intents=("broadcast",),
    )
)


def snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[: SNIPPET - 1].rstrip() + "…"


@REGISTRY.notice(broadcasts.EVENT)
def render_broadcast(params: dict[str, Any]) -> Reply:
    return Reply(texts.BROADCAST_NOTICE.format(**params))


@REGISTRY.notice(broadcasts.FINISHED_EVENT)
def render_finished(params: dict[str, Any]) -> Reply:
    return Reply(texts.BROADCAST_FINISHED.format(**params, snippet=snippet(params["text"])))


async def progress_text(ctx: Ctx) -> str:
    assert ctx.member is not None
    lines = [
        texts.BROADCAST_PROGRESS_LINE.format(
            date=sent.created_at.astimezone(ctx.settings.tz).strftime("%d/%m"),
            snippet=snippet(sent.text),
            sent=progress.sent,
            recipients=progress.recipients,
            queued=progress.queued,
            failed=progress.failed,
            skipped=progress.skipped,
        )
        for sent, progress in await broadcasts.recent(ctx.session, ctx.member.id)
    ]
    return "\n".join(lines) or texts.BROADCAST_NONE_YET


@broadcast.ask("org")
async def ask_org(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    orgs = await broadcasts.organisations(ctx.session, ctx.member.id)
    options = [Option(str(org.id), org.name) for org in orgs]
    if await broadcasts.recent(ctx.session, ctx.member.id, limit=1):
        options.append(Option(PROGRESS, texts.BROADCAST_PROGRESS_OPTION, ("tien do", "da gui")))
    return Ask(texts.BROADCAST_PICK_ORG, options)


@broadcast.on("org")
async def on_org(ctx: Ctx, key: str) -> Outcome:
    if key == PROGRESS:
        return Done(await progress_text(ctx))
    ctx.data["org_id"] = int(key)
    return Goto("text")


@broadcast.ask("text")
async def ask_text(ctx: Ctx) -> Ask:
    limit = ctx.settings.broadcast_max_chars
    return Ask(texts.BROADCAST_ASK_TEXT.format(limit=limit), parse=inputs.free_text(limit))


@broadcast.on("text")
async def on_text(ctx: Ctx, text: str) -> Outcome:
    ctx.data["text"] = text
    return Goto("confirm")


@broadcast.ask("confirm")
async def ask_confirm(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    org = await directory.organisation(ctx.session, ctx.data["org_id"])
    reach = await broadcasts.audience(ctx.session, org.id, ctx.member.id)
    notice = render_broadcast(
        broadcasts.params_for(org.name, ctx.member.full_name, ctx.data["text"])
    )
    return Ask(
        texts.BROADCAST_PREVIEW.format(
            notice=notice.text, reachable=reach.reachable, unreachable=reach.unreachable
        ),
        [
            Option("send", texts.BROADCAST_SEND, ("gui", "dong y", "co")),
            Option("edit", texts.BROADCAST_EDIT, ("sua", "sua tin")),
        ],
    )


@broadcast.on("confirm")
async def on_confirm(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    if key == "edit":
        return Goto("text")
    org = await directory.organisation(ctx.session, ctx.data["org_id"])
    if not (await broadcasts.audience(ctx.session, org.id, ctx.member.id)).reachable:
        return Done(texts.BROADCAST_NOBODY.format(org=org.name))
    try:
        sent = await broadcasts.send(ctx.session, ctx.member, org.id, ctx.data["text"], ctx.now)
    except broadcasts.NotAllowed:
        raise Invalid(texts.BROADCAST_NOT_ALLOWED) from None
    return Done(texts.BROADCAST_QUEUED.format(count=sent.recipients))
