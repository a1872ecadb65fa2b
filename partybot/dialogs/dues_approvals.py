"""Dues approvals: how a transfer claim, a changed base, an exemption request and an unmatched
transfer read in the approver's prompt and inbox, and what their buttons do."""

from datetime import datetime
from typing import Any

from partybot.dialogs import dues_format as fmt
from partybot.dialogs import texts
from partybot.dialogs.approvals import ApprovalKind, approval_kind
from partybot.dialogs.dues import me
from partybot.dialogs.flow import (
    REGISTRY,
    Ctx,
    Done,
    Outcome,
    Switch,
)
from partybot.services import directory, dues, dues_requests
from partybot.storage.models import (
    BankTransaction,
    BankTxStatus,
)

Params = dict[str, Any]


# -- approval kinds and their buttons -----------------------------------------------------------

approval_kind(
    ApprovalKind(
        "dues.claim",
        title=lambda p: texts.DUES_CLAIM_TITLE.format(
            name=p["name"], amount=fmt.format_vnd(p["amount"])
        ),
        detail=lambda p: texts.DUES_CLAIM_DETAIL.format(
            name=p["name"],
            phone=fmt.phone(p["phone"]),
            amount=fmt.format_vnd(p["amount"]),
            months=fmt.months(p["months"]),
            reference=p["reference"],
        ),
        actions={
            "received": texts.DUES_CLAIM_RECEIVED,
            "not_received": texts.DUES_CLAIM_NOT_RECEIVED,
        },
    )
)
approval_kind(
    ApprovalKind(
        "dues.base",
        title=lambda p: texts.DUES_BASE_TITLE.format(name=p["name"]),
        detail=lambda p: texts.DUES_BASE_DETAIL.format(
            name=p["name"],
            phone=fmt.phone(p["phone"]),
            base=fmt.format_vnd(p["base"]),
            old_base=fmt.format_vnd(p["old_base"]) if p.get("old_base") else texts.DUES_BASE_NONE,
            amount=fmt.format_vnd(p["amount"]),
            month=fmt.month(p["from_month"]),
        ),
        actions={"approve": texts.DUES_APPROVE, "decline": texts.DUES_DECLINE},
    )
)
approval_kind(
    ApprovalKind(
        "dues.exemption",
        title=lambda p: texts.DUES_EX_TITLE.format(
            kind=fmt.kind_text(p["percent"]), name=p["name"]
        ),
        detail=lambda p: texts.DUES_EX_DETAIL.format(
            name=p["name"],
            phone=fmt.phone(p["phone"]),
            kind=fmt.kind_text(p["percent"]),
            months=p["months"],
            first=fmt.month(p["first_month"]),
            last=fmt.month(p["last_month"]),
            reason=texts.DUES_EX_REASONS.get(p["reason"], p["reason"]),
            note=f"«{p['note']}». " if p.get("note") else "",
        ),
        actions={"approve": texts.DUES_EX_AGREE, "decline": texts.DUES_EX_DISAGREE},
    )
)


def transfer_detail(p: Params) -> str:
    text = texts.DUES_TRANSFER_DETAIL.format(
        amount=fmt.format_vnd(p["amount"]),
        date=datetime.fromisoformat(p["occurred_at"]).strftime("%H:%M %d/%m/%Y"),
        memo=p["memo"],
        reason=texts.DUES_TRANSFER_REASONS.get(p["reason"], p["reason"]),
    )
    if p.get("name"):
        text += texts.DUES_TRANSFER_EXPECTED.format(
            name=p["name"], expected=fmt.format_vnd(p["expected"])
        )
    return text


approval_kind(
    ApprovalKind(
        "dues.transfer",
        title=lambda p: texts.DUES_TRANSFER_TITLE.format(amount=fmt.format_vnd(p["amount"])),
        detail=transfer_detail,
        actions={"resolve": texts.DUES_TRANSFER_RESOLVE},
    )
)


async def claim_received(ctx: Ctx, intent_id: int) -> Outcome:
    try:
        payment = await dues.confirm_claim(ctx.session, ctx.settings, intent_id, me(ctx), ctx.now)
    except PermissionError:
        return Done(texts.DUES_NOT_ALLOWED)
    if payment is None:
        return Done(texts.ALREADY_HANDLED)
    member = await directory.member(ctx.session, payment.member_id)
    return Done(
        texts.DUES_CLAIM_CONFIRMED.format(
            amount=fmt.format_vnd(payment.amount),
            name=member.full_name,
            number=payment.receipt_number,
        )
    )


async def claim_not_received(ctx: Ctx, intent_id: int) -> Outcome:
    try:
        intent = await dues.reject_claim(ctx.session, intent_id, me(ctx), ctx.now)
    except PermissionError:
        return Done(texts.DUES_NOT_ALLOWED)
    if intent is None:
        return Done(texts.ALREADY_HANDLED)
    member = await directory.member(ctx.session, intent.member_id)
    return Done(texts.DUES_CLAIM_DECLINED_DONE.format(name=member.full_name))


async def _decide(ctx: Ctx, request_id: int, approve: bool) -> Outcome:
    try:
        request = await dues_requests.decide(
            ctx.session, ctx.settings, request_id, me(ctx), approve, ctx.now
        )
    except PermissionError:
        return Done(texts.DUES_NOT_ALLOWED)
    if request is None:
        return Done(texts.ALREADY_HANDLED)
    member = await directory.member(ctx.session, request.member_id)
    return Done(texts.DUES_DECIDED.format(name=member.full_name))


REGISTRY.action("dues.claim.received")(claim_received)
REGISTRY.action("dues.claim.not_received")(claim_not_received)


@REGISTRY.action("dues.base.approve")
async def _base_approve(ctx: Ctx, request_id: int) -> Outcome:
    return await _decide(ctx, request_id, True)


@REGISTRY.action("dues.base.decline")
async def _base_decline(ctx: Ctx, request_id: int) -> Outcome:
    return await _decide(ctx, request_id, False)


@REGISTRY.action("dues.exemption.approve")
async def _exemption_approve(ctx: Ctx, request_id: int) -> Outcome:
    return await _decide(ctx, request_id, True)


@REGISTRY.action("dues.exemption.decline")
async def _exemption_decline(ctx: Ctx, request_id: int) -> Outcome:
    return await _decide(ctx, request_id, False)


@REGISTRY.action("dues.transfer.resolve")
async def _transfer_resolve(ctx: Ctx, tx_id: int) -> Outcome:
    tx = await ctx.session.get(BankTransaction, tx_id)
    if tx is None or tx.status != BankTxStatus.REVIEW:
        return Done(texts.ALREADY_HANDLED)
    return Switch("dues_resolve", {"tx_id": tx_id})
