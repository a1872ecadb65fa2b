"""The treasurer resolves one bank transfer that did not match: assign it to a member (whose
oldest months it settles) or set it aside as not dues."""

from partybot.dialogs import dues_format as fmt
from partybot.dialogs import texts
from partybot.dialogs.dues import me
from partybot.dialogs.dues_approvals import Params, transfer_detail
from partybot.dialogs.dues_cell import find_member, search_text
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
)
from partybot.services import directory, dues, dues_bank, dues_view
from partybot.storage.models import (
    BankTransaction,
    BankTxStatus,
    Member,
    PaymentIntent,
)

# -- resolving one transfer -----------------------------------------------------------------------

resolve = REGISTRY.dialog(Dialog("dues_resolve", texts.DUES_TRANSFER_RESOLVE, resumable=False))


async def _tx(ctx: Ctx) -> BankTransaction:
    tx = await ctx.session.get(BankTransaction, ctx.data.get("tx_id"))
    if tx is None or tx.status != BankTxStatus.REVIEW:
        raise Invalid(texts.DUES_TRANSFER_GONE)
    if tx.org_id is None or not await directory.holds_role_over(
        ctx.session, me(ctx).id, tx.org_id, dues.DUES_ROLES
    ):
        raise Invalid(texts.DUES_NOT_ALLOWED)
    return tx


def _tx_params(
    ctx: Ctx, tx: BankTransaction, suggested: Member | None, expected: int | None
) -> Params:
    params: Params = {
        "amount": tx.amount,
        "memo": tx.memo,
        "reason": tx.reason or "",
        "occurred_at": tx.occurred_at.astimezone(ctx.settings.tz).isoformat(),
    }
    if suggested is not None and expected is not None:
        params |= {"name": suggested.full_name, "expected": expected}
    return params


@resolve.ask("detail")
async def ask_detail(ctx: Ctx) -> Ask:
    tx = await ctx.session.get(BankTransaction, ctx.data.get("tx_id"))
    if tx is None or tx.status != BankTxStatus.REVIEW:
        return Ask(texts.DUES_TRANSFER_GONE)
    suggested = await dues_bank.suggested_member(ctx.session, tx)
    intent = await ctx.session.get(PaymentIntent, tx.intent_id) if tx.intent_id else None
    params = _tx_params(ctx, tx, suggested, intent.amount if intent else None)
    options = []
    if suggested is not None:
        options.append(
            Option("suggested", texts.DUES_TRANSFER_FOR.format(name=suggested.full_name))
        )
    options += [
        Option("other", texts.DUES_TRANSFER_OTHER, ("nguoi khac", "dang vien khac")),
        Option("ignore", texts.DUES_TRANSFER_IGNORE, ("khong phai", "bo qua")),
    ]
    return Ask(transfer_detail(params), options)


@resolve.on("detail")
async def on_detail(ctx: Ctx, key: str) -> Outcome:
    tx = await _tx(ctx)
    if key == "ignore":
        return Goto("ignore")
    if key == "suggested":
        suggested = await dues_bank.suggested_member(ctx.session, tx)
        if suggested is None:
            raise Invalid(texts.NOT_UNDERSTOOD)
        ctx.data["member_id"] = suggested.id
        return Goto("confirm")
    return Goto("member")


@resolve.ask("member")
async def ask_member(ctx: Ctx) -> Ask:
    tx = await _tx(ctx)
    assert tx.org_id is not None
    summary = await dues_view.cell_summary(ctx.session, ctx.settings, tx.org_id, ctx.now)
    return Ask(
        texts.DUES_CELL_WHO,
        [Option(str(d.member.id), d.member.full_name) for d in summary.debtors],
        parse=search_text,
    )


@resolve.on("member")
async def on_member(ctx: Ctx, value: str | dict[str, str]) -> Outcome:
    tx = await _tx(ctx)
    assert tx.org_id is not None
    member = await find_member(ctx, value, tx.org_id)
    ctx.data["member_id"] = member.id
    return Goto("confirm")


@resolve.ask("confirm")
async def ask_resolve_confirm(ctx: Ctx) -> Ask:
    tx = await _tx(ctx)
    member = await directory.member(ctx.session, ctx.data["member_id"])
    settled, left = await dues.preview_allocation(
        ctx.session, ctx.settings, member, tx.amount, ctx.now
    )
    text = texts.DUES_TRANSFER_CONFIRM.format(
        amount=fmt.format_vnd(tx.amount),
        name=member.full_name,
        months=fmt.months([o.month for o in settled]) or "—",
    )
    if left:
        text += texts.DUES_TRANSFER_CREDIT.format(credit=fmt.format_vnd(left))
    return Ask(
        text,
        [
            Option("yes", texts.DUES_CELL_YES, texts.DUES_CELL_YES_WORDS),
            Option("no", texts.DUES_FIX, ("sua", "sai", "khong")),
        ],
    )


@resolve.on("confirm")
async def on_resolve_confirm(ctx: Ctx, key: str) -> Outcome:
    if key == "no":
        return Goto("detail")
    tx = await _tx(ctx)
    member = await directory.member(ctx.session, ctx.data["member_id"])
    try:
        payment = await dues_bank.resolve(ctx.session, ctx.settings, tx, member, me(ctx), ctx.now)
    except PermissionError:
        raise Invalid(texts.DUES_CELL_NOT_YOURS.format(name=member.full_name)) from None
    return Done(
        texts.DUES_TRANSFER_DONE.format(name=member.full_name, number=payment.receipt_number)
    )


@resolve.ask("ignore")
async def ask_ignore(ctx: Ctx) -> Ask:
    tx = await _tx(ctx)
    return Ask(
        texts.DUES_TRANSFER_IGNORE_CONFIRM.format(amount=fmt.format_vnd(tx.amount)),
        [
            Option("yes", texts.DUES_YES, ("dung", "co", "ok", "dong y")),
            Option("no", texts.DUES_NO, ("khong", "ko", "thoi")),
        ],
    )


@resolve.on("ignore")
async def on_ignore(ctx: Ctx, key: str) -> Outcome:
    if key == "no":
        return Goto("detail")
    tx = await _tx(ctx)
    try:
        await dues_bank.ignore(ctx.session, tx, me(ctx), ctx.now)
    except PermissionError:
        raise Invalid(texts.DUES_NOT_ALLOWED) from None
    return Done(texts.DUES_TRANSFER_IGNORED)
