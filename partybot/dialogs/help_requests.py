"""Help requests as the helper sees them: in "Việc cần duyệt", answered in chat, then closed."""

from typing import Any

from partybot.dialogs import inputs, texts
from partybot.dialogs.approvals import ApprovalKind, approval_kind
from partybot.dialogs.flow import (
    REGISTRY,
    Ask,
    Ctx,
    Dialog,
    Done,
    Goto,
    Invalid,
    Option,
    Outcome,
    Switch,
)
from partybot.dialogs.model import Reply
from partybot.services import directory, helpdesk
from partybot.storage.models import HelpRequest

MAX_ANSWER = 1500

approval_kind(
    ApprovalKind(
        helpdesk.KIND,
        title=lambda p: texts.HELP_REQUEST_TITLE.format(name=p["name"]),
        detail=lambda p: texts.HELP_REQUEST_NOTICE.format(**p),
        actions={"answer": texts.HELP_ANSWER, "close": texts.HELP_CLOSE},
    )
)


@REGISTRY.notice("help.answered")
def help_answered(params: dict[str, Any]) -> Reply:
    return Reply(texts.HELP_ANSWERED.format(**params))


async def _request(ctx: Ctx, request_id: int) -> HelpRequest | None:
    assert ctx.member is not None
    request = await helpdesk.request_for(ctx.session, request_id)
    if request is None or not await helpdesk.may_handle(ctx.session, ctx.member.id, request):
        return None
    return request


@REGISTRY.action("help.answer")
async def start_answer(ctx: Ctx, request_id: int) -> Outcome:
    if await _request(ctx, request_id) is None:
        return Done(texts.ALREADY_HANDLED)
    return Switch("help_answer", {"request_id": request_id})


@REGISTRY.action("help.close")
async def close_now(ctx: Ctx, request_id: int) -> Outcome:
    request = await _request(ctx, request_id)
    if request is None:
        return Done(texts.ALREADY_HANDLED)
    assert ctx.member is not None
    await helpdesk.close(ctx.session, request, ctx.member.id, ctx.now)
    asker = await directory.member(ctx.session, request.member_id)
    return Done(texts.HELP_CLOSED.format(name=asker.full_name))


answer = REGISTRY.dialog(Dialog("help_answer", texts.HELP_ANSWER_TITLE, resumable=True))


async def _asker_name(ctx: Ctx) -> str:
    request = await _request(ctx, ctx.data["request_id"])
    if request is None:
        raise Invalid(texts.ALREADY_HANDLED)
    return (await directory.member(ctx.session, request.member_id)).full_name


@answer.ask("text")
async def ask_text(ctx: Ctx) -> Ask:
    request = await helpdesk.request_for(ctx.session, ctx.data["request_id"])
    assert request is not None
    name = (await directory.member(ctx.session, request.member_id)).full_name
    return Ask(texts.HELP_ASK_ANSWER.format(name=name), parse=inputs.free_text(MAX_ANSWER))


@answer.on("text")
async def on_text(ctx: Ctx, text: str) -> Outcome:
    request = await _request(ctx, ctx.data["request_id"])
    if request is None:
        return Done(texts.ALREADY_HANDLED)
    assert ctx.member is not None
    await helpdesk.answer(ctx.session, request, ctx.member, text, ctx.now)
    ctx.say(texts.HELP_ANSWER_SENT.format(name=await _asker_name(ctx)))
    return Goto("close")


@answer.ask("close")
async def ask_close(ctx: Ctx) -> Ask:
    request = await helpdesk.request_for(ctx.session, ctx.data["request_id"])
    assert request is not None
    name = (await directory.member(ctx.session, request.member_id)).full_name
    return Ask(
        texts.HELP_ASK_CLOSE.format(name=name),
        [Option("close", texts.HELP_CLOSE), Option("keep", texts.HELP_KEEP_OPEN)],
    )


@answer.on("close")
async def on_close(ctx: Ctx, key: str) -> Outcome:
    if key == "keep":
        return Done(texts.APPROVAL_HINT)
    return await close_now(ctx, ctx.data["request_id"])
