"""The transfer steps as approvers meet them: prompts, buttons, the reason for a return, routing.

The same handlers serve a button pressed on a pushed prompt and a choice in "Việc cần duyệt".
Each checks in the service that the step is still pending and that the presser may decide it:
a second press, or a stale button from an earlier step, answers "already handled".
"""

from typing import Any

from partybot.dialogs import inputs, texts
from partybot.dialogs import transfer_format as fmt
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
from partybot.dialogs.model import Attachment
from partybot.services import directory, org_search, transfers
from partybot.services.transfers import (
    APPROVAL_ARRIVAL,
    APPROVAL_EXTENSION,
    APPROVAL_STEP,
    OUTSIDE,
)
from partybot.storage.models import StepKind, TransferKind, TransferStep

Params = dict[str, Any]


def detail(params: Params) -> str:
    """The request's summary and what agreeing means at this step."""
    kind = params["transfer_kind"]
    text = texts.TRANSFER_DETAIL.format(
        name=params["name"],
        card=params["card"],
        kind=texts.TRANSFER_KIND_SHORT[kind],
        from_=params["from"],
        to=params["to"],
        reason=params["reason"],
    )
    if kind == TransferKind.TEMPORARY:
        text += texts.TRANSFER_DETAIL_STAY.format(
            start=fmt.day(params["start"]), end=fmt.day(params["end"])
        )
    elif params.get("decision_date"):
        text += texts.TRANSFER_DETAIL_DATE.format(date=fmt.day(params["decision_date"]))
    if params.get("late_note"):
        text += texts.TRANSFER_DETAIL_LATE.format(note=params["late_note"])
    if params.get("outside") and params["step"] == StepKind.OFFICE:
        text += texts.TRANSFER_DETAIL_OUTSIDE
    return f"{text}\n{fmt.step_hint(params)}"


approval_kind(
    ApprovalKind(
        APPROVAL_STEP,
        title=lambda p: texts.TRANSFER_APPROVAL_TITLE.format(
            kind=texts.TRANSFER_KIND_SHORT[p["transfer_kind"]], name=p["name"]
        ),
        detail=detail,
        actions={"approve": texts.TRANSFER_APPROVE, "return": texts.TRANSFER_RETURN},
    )
)
approval_kind(
    ApprovalKind(
        APPROVAL_ARRIVAL,
        title=lambda p: texts.TRANSFER_ARRIVAL_TITLE.format(name=p["name"]),
        detail=detail,
        actions={"receive": texts.TRANSFER_RECEIVE, "return": texts.TRANSFER_RETURN},
    )
)
approval_kind(
    ApprovalKind(
        APPROVAL_EXTENSION,
        title=lambda p: texts.TRANSFER_EXTENSION_TITLE.format(name=p["name"]),
        detail=detail,
        actions={"approve": texts.TRANSFER_APPROVE, "return": texts.TRANSFER_DECLINE},
    )
)


# -- deciding -------------------------------------------------------------------------------


async def decide(ctx: Ctx, step_id: int, route: int | str | None = None) -> Outcome:
    """Agree to a step and say what it led to; every refusal is a short answer, not an error."""
    assert ctx.member is not None
    try:
        decision = await transfers.approve(
            ctx.session, step_id, ctx.member.id, ctx.now, ctx.settings, route=route
        )
    except transfers.NeedsRoute:
        return Switch("transfer_route", {"step_id": step_id})
    except transfers.AlreadyHandled:
        return Done(texts.ALREADY_HANDLED)
    except transfers.NotAllowed:
        return Done(texts.TRANSFER_NOT_YOURS)
    except transfers.Refused:
        return Done(texts.TRANSFER_ROUTE_SAME)
    except transfers.Blocked as blocked:
        member = await directory.member(ctx.session, await member_of_step(ctx, step_id))
        kinds = {b.kind for b in blocked.blockers}
        if "flag" in kinds:
            return Done(texts.TRANSFER_BLOCKED_FLAG.format(name=member.full_name))
        if "dues_unknown" in kinds:
            return Done(texts.TRANSFER_BLOCKED_DUES_UNKNOWN.format(name=member.full_name))
        months = [m for b in blocked.blockers for m in b.months]
        return Done(
            texts.TRANSFER_BLOCKED_DUES.format(name=member.full_name, months=fmt.months(months))
        )
    return await decided(ctx, decision)


async def member_of_step(ctx: Ctx, step_id: int) -> int:
    step = await ctx.session.get(TransferStep, step_id)
    assert step is not None
    transfer = await ctx.session.get(transfers.Transfer, step.transfer_id)
    assert transfer is not None
    return transfer.member_id


async def decided(ctx: Ctx, decision: transfers.Decision) -> Outcome:
    transfer, step = decision.transfer, decision.step
    member = await directory.member(ctx.session, transfer.member_id)
    if step.kind == StepKind.RECEIVING_CELL:
        org = await directory.organisation(ctx.session, step.org_id)
        if transfer.kind == TransferKind.OFFICIAL:
            return Done(texts.TRANSFER_DONE_RECEIVED.format(name=member.full_name, org=org.name))
        return Done(
            texts.TRANSFER_DONE_TEMPORARY.format(
                name=member.full_name, end=fmt.day(transfer.end_date)
            )
        )
    if step.kind == StepKind.EXTENSION:
        return Done(
            texts.TRANSFER_DONE_EXTENDED.format(
                name=member.full_name, end=fmt.day(transfer.end_date)
            )
        )
    if decision.letter is not None and decision.letter_file is not None:
        letter, stored = decision.letter, decision.letter_file
        deadline = ""
        if letter.present_by:
            deadline = texts.TRANSFER_DONE_DEADLINE.format(date=fmt.day(letter.present_by))
        return Done(
            texts.TRANSFER_DONE_ISSUED.format(number=letter.number, deadline=deadline),
            [Attachment(stored.token, stored.filename, is_image=False)],
        )
    if decision.opened is not None:
        org = await directory.organisation(ctx.session, decision.opened.org_id)
        return Done(texts.TRANSFER_DONE_APPROVED.format(org=org.name))
    return Done(texts.TRANSFER_DONE_WAITING)


async def start_return(ctx: Ctx, step_id: int) -> Outcome:
    assert ctx.member is not None
    try:
        await transfers.actionable(ctx.session, step_id, ctx.member.id)
    except transfers.AlreadyHandled:
        return Done(texts.ALREADY_HANDLED)
    except transfers.NotAllowed:
        return Done(texts.TRANSFER_NOT_YOURS)
    return Switch("transfer_return", {"step_id": step_id})


for kind, agree in (
    (APPROVAL_STEP, "approve"),
    (APPROVAL_ARRIVAL, "receive"),
    (APPROVAL_EXTENSION, "approve"),
):
    REGISTRY.action(f"{kind}.{agree}")(decide)
    REGISTRY.action(f"{kind}.return")(start_return)


# -- the reason for a return ----------------------------------------------------------------

giving_back = REGISTRY.dialog(Dialog("transfer_return", texts.TRANSFER_RETURN, resumable=False))


@giving_back.ask("reason")
async def ask_return_reason(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_RETURN_ASK, parse=inputs.free_text(300))


@giving_back.on("reason")
async def on_return_reason(ctx: Ctx, reason: str) -> Outcome:
    assert ctx.member is not None
    try:
        decision = await transfers.return_step(
            ctx.session, ctx.data["step_id"], ctx.member.id, reason, ctx.now
        )
    except transfers.AlreadyHandled:
        return Done(texts.ALREADY_HANDLED)
    except transfers.NotAllowed:
        return Done(texts.TRANSFER_NOT_YOURS)
    member = await directory.member(ctx.session, decision.transfer.member_id)
    return Done(texts.TRANSFER_RETURNED_DONE.format(name=member.full_name))


# -- routing a destination typed as free text -----------------------------------------------

routing = REGISTRY.dialog(Dialog("transfer_route", texts.TRANSFER_TITLE, resumable=False))


async def typed_destination(ctx: Ctx) -> str:
    step = await ctx.session.get(TransferStep, ctx.data["step_id"])
    if step is None:
        raise Invalid(texts.ALREADY_HANDLED)
    transfer = await ctx.session.get(transfers.Transfer, step.transfer_id)
    assert transfer is not None
    return transfer.to_text or ""


@routing.ask("search")
async def ask_route(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_ROUTE_ASK.format(to=await typed_destination(ctx)),
        [Option(OUTSIDE, texts.TRANSFER_ROUTE_OUTSIDE, texts.TRANSFER_ROUTE_OUTSIDE_WORDS)],
        parse=fmt.search_text(),
    )


@routing.on("search")
async def on_route(ctx: Ctx, answer: str | fmt.Search) -> Outcome:
    if not isinstance(answer, fmt.Search):
        return await route_to(ctx, answer)
    matches = await org_search.search(ctx.session, answer.text)
    if not matches:
        raise Invalid(texts.TRANSFER_ROUTE_NONE.format(typed=answer.text))
    ctx.data["matches"] = [
        [m.org_id, texts.TRANSFER_ORG_LABEL.format(name=m.name, parent=m.parent_name)]
        for m in matches
    ]
    return Goto("pick")


@routing.ask("pick")
async def ask_route_pick(ctx: Ctx) -> Ask:
    options = [Option(f"org:{org_id}", label) for org_id, label in ctx.data["matches"]]
    options.append(
        Option(OUTSIDE, texts.TRANSFER_ROUTE_OUTSIDE, texts.TRANSFER_ROUTE_OUTSIDE_WORDS)
    )
    return Ask(texts.TRANSFER_ROUTE_PICK, options, parse=fmt.search_text())


routing.on("pick")(on_route)


async def route_to(ctx: Ctx, key: str) -> Outcome:
    """Agree to the office step with the chosen destination (a chi bộ, or outside the roster)."""
    if key == OUTSIDE:
        return await decide(ctx, ctx.data["step_id"], route=OUTSIDE)
    org_id = int(key.removeprefix("org:"))
    step = await ctx.session.get(TransferStep, ctx.data["step_id"])
    assert step is not None
    member = await directory.member(ctx.session, await member_of_step(ctx, step.id))
    try:
        await transfers.check_destination(ctx.session, member, org_id)
    except transfers.Refused:
        raise Invalid(texts.TRANSFER_ROUTE_SAME) from None
    return await decide(ctx, step.id, route=org_id)
