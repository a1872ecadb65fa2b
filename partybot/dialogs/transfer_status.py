"""The member's open request: where it stands, and what they can do about it now.

Cancel half-way, fix and resend a returned request, say the letter was handed in, get the letter
again, explain a late letter; for a temporary stay, ask for an extension or say they are back.
"""

from datetime import date
from typing import Any

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
    Option,
    Outcome,
    Switch,
)
from partybot.dialogs.model import Attachment
from partybot.services import directory, transfer_stays, transfer_views, transfers
from partybot.services import transfer_letters as letters
from partybot.services.transfer_rules import TemporaryReason, longest_end
from partybot.storage.models import Transfer, TransferKind, TransferStatus

status = REGISTRY.dialog(Dialog("transfer_status", texts.TRANSFER_TITLE, resumable=False))


async def mine(ctx: Ctx) -> Transfer:
    assert ctx.member is not None
    transfer = await ctx.session.get(Transfer, ctx.data["transfer_id"])
    if transfer is None or transfer.member_id != ctx.member.id:
        raise Invalid(texts.TRANSFER_GONE)
    return transfer


def choices(transfer: Transfer) -> list[Option]:
    state = transfer.status
    found: list[Option] = []
    if state == TransferStatus.RETURNED:
        found.append(Option("fix", texts.TRANSFER_OPT_FIX))
    if state == TransferStatus.ISSUED:
        found.append(Option("presented", texts.TRANSFER_OPT_PRESENTED))
    late = transfer.late_at is not None and not transfer.late_explanation
    if late and state in (TransferStatus.ISSUED, TransferStatus.ARRIVING):
        found.append(Option("explain", texts.TRANSFER_OPT_EXPLAIN))
    if state == TransferStatus.ACTIVE:
        found += [
            Option("back", texts.TRANSFER_OPT_BACK),
            Option("extend", texts.TRANSFER_OPT_EXTEND),
        ]
    if state in (TransferStatus.ISSUED, TransferStatus.ARRIVING, TransferStatus.ACTIVE):
        found.append(Option("letter", texts.TRANSFER_OPT_LETTER))
    if state in transfers.CANCELLABLE:
        found.append(Option("cancel", texts.TRANSFER_OPT_CANCEL))
    return found[:4]


@status.ask("view")
async def ask_view(ctx: Ctx) -> Ask:
    transfer = await mine(ctx)
    found = await transfer_views.standing(ctx.session, transfer)
    return Ask(fmt.describe(found, ctx.settings.tz), choices(transfer))


@status.on("view")
async def on_view(ctx: Ctx, key: str) -> Outcome:
    transfer = await mine(ctx)
    if key == "fix":
        return Switch("transfer_fix", await fix_data(ctx, transfer))
    if key == "presented":
        return await presented(ctx, transfer)
    if key == "letter":
        return await letter_again(ctx, transfer)
    return Goto({"cancel": "cancel", "explain": "explain", "back": "back", "extend": "extend"}[key])


async def fix_data(ctx: Ctx, transfer: Transfer) -> dict[str, Any]:
    """The returned request as the request dialog keeps it, to fix from its summary."""
    to_label = transfer.to_text or ""
    if transfer.to_org_id is not None:
        to_label = (await directory.organisation(ctx.session, transfer.to_org_id)).name

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "resubmit": transfer.id,
        "editing": True,
        "kind": transfer.kind,
        "reason_code": transfer.reason_code,
        "reason": transfer.reason,
        "to_org_id": transfer.to_org_id,
        "to_text": transfer.to_text,
        "to_label": to_label,
        "decision_date": iso(transfer.decision_date),
        "late_note": transfer.late_start_note,
        "start": iso(transfer.start_date),
        "end": iso(transfer.end_date),
    }


async def presented(ctx: Ctx, transfer: Transfer) -> Outcome:
    assert ctx.member is not None
    try:
        step = await transfers.mark_presented(ctx.session, transfer.id, ctx.member.id, ctx.now)
    except transfers.AlreadyHandled:
        raise Invalid(texts.TRANSFER_GONE) from None
    org = await directory.organisation(ctx.session, step.org_id)
    return Done(texts.TRANSFER_PRESENTED.format(org=org.name))


async def letter_again(ctx: Ctx, transfer: Transfer) -> Outcome:
    letter = await letters.current(ctx.session, transfer.id)
    if letter is None:
        raise Invalid(texts.TRANSFER_GONE)
    stored = await letters.store_pdf(ctx.session, transfer, letter, ctx.settings, ctx.now)
    return Done(
        texts.TRANSFER_LETTER_AGAIN.format(number=letter.number),
        [Attachment(stored.token, stored.filename, is_image=False)],
    )


@status.ask("cancel")
async def ask_cancel(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_CANCEL_CONFIRM,
        [
            Option("yes", texts.TRANSFER_CANCEL_YES, texts.YES_WORDS),
            Option("no", texts.TRANSFER_CANCEL_NO, texts.NO_WORDS),
        ],
    )


@status.on("cancel")
async def on_cancel(ctx: Ctx, key: str) -> Outcome:
    if key == "no":
        return Goto("view")
    assert ctx.member is not None
    try:
        await transfers.cancel(ctx.session, ctx.data["transfer_id"], ctx.member.id, ctx.now)
    except transfers.Refused:
        return Done(texts.TRANSFER_CANNOT_CANCEL)
    except transfers.AlreadyHandled:
        raise Invalid(texts.TRANSFER_GONE) from None
    return Done(texts.TRANSFER_CANCELLED)


@status.ask("explain")
async def ask_explain(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_EXPLAIN_ASK, parse=inputs.free_text(500))


@status.on("explain")
async def on_explain(ctx: Ctx, text: str) -> Outcome:
    assert ctx.member is not None
    try:
        await transfers.explain_late(
            ctx.session, ctx.data["transfer_id"], ctx.member.id, text, ctx.now
        )
    except transfers.Refused:
        return Done(texts.TRANSFER_GONE)
    return Done(texts.TRANSFER_EXPLAINED)


@status.ask("back")
async def ask_back(ctx: Ctx) -> Ask:
    transfer = await mine(ctx)
    home = await directory.organisation(ctx.session, transfer.from_org_id)
    return Ask(
        texts.TRANSFER_BACK_CONFIRM.format(from_=home.name),
        [
            Option("yes", texts.TRANSFER_BACK_YES, texts.YES_WORDS),
            Option("no", texts.TRANSFER_BACK_NO, texts.NO_WORDS),
        ],
    )


@status.on("back")
async def on_back(ctx: Ctx, key: str) -> Outcome:
    if key == "no":
        return Goto("view")
    assert ctx.member is not None
    try:
        transfer = await transfer_stays.end_temporary(
            ctx.session, ctx.data["transfer_id"], ctx.member.id, ctx.now
        )
    except (transfers.AlreadyHandled, transfers.NotAllowed):
        return Done(texts.TRANSFER_GONE)
    home = await directory.organisation(ctx.session, transfer.from_org_id)
    return Done(texts.TRANSFER_BACK_DONE.format(from_=home.name))


@status.ask("extend")
async def ask_extend(ctx: Ctx) -> Ask:
    transfer = await mine(ctx)
    return Ask(texts.TRANSFER_EXTEND_ASK.format(end=fmt.day(transfer.end_date)), parse=inputs.day)


@status.on("extend")
async def on_extend(ctx: Ctx, new_end: date) -> Outcome:
    assert ctx.member is not None
    transfer = await mine(ctx)
    try:
        step = await transfer_stays.request_extension(
            ctx.session, transfer.id, ctx.member.id, new_end, ctx.now
        )
    except transfers.Refused as refused:
        reason = refused.reason
        if reason == transfers.Refusal.NOT_LONGER:
            raise Invalid(
                texts.TRANSFER_EXTEND_NOT_LONGER.format(end=fmt.day(transfer.end_date))
            ) from None
        if reason == transfers.Refusal.TOO_LONG:
            assert transfer.start_date is not None
            raise Invalid(too_long_text(transfer)) from None
        return Done(texts.TRANSFER_EXTEND_PENDING)
    org = await directory.organisation(ctx.session, step.org_id)
    return Done(texts.TRANSFER_EXTEND_SENT.format(org=org.name))


def too_long_text(transfer: Transfer) -> str:
    assert transfer.start_date is not None and transfer.kind == TransferKind.TEMPORARY
    reason = TemporaryReason(transfer.reason_code)
    message = (
        texts.TRANSFER_TOO_LONG_STUDY
        if reason == TemporaryReason.STUDY
        else texts.TRANSFER_TOO_LONG_WORK
    )
    return message.format(last=fmt.day(longest_end(reason, transfer.start_date)))
