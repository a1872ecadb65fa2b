"""The treasurer's and secretary's side of dues: "Tình hình đảng phí", confirming money, kind
reminders, and resolving bank transfers that did not match — plus the approval prompts
(transfer claims, a changed base, exemption requests, unmatched transfers) and their buttons.
"""

from datetime import date, datetime
from typing import Any

from partybot.dialogs import dues_format as fmt
from partybot.dialogs import texts
from partybot.dialogs.approvals import ApprovalKind, approval_kind
from partybot.dialogs.dues import kind_text
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
    Switch,
    with_role,
)
from partybot.dialogs.model import Attachment
from partybot.services import directory, dues, dues_bank
from partybot.services.phones import display_phone
from partybot.storage.models import (
    BankTransaction,
    BankTxStatus,
    Member,
    PaymentIntent,
    PaymentMethod,
)

LIST_LIMIT = 15
Params = dict[str, Any]


def _phone(phone: str | None) -> str:
    return display_phone(phone) if phone else "—"


def _me(ctx: Ctx) -> Member:
    assert ctx.member is not None
    return ctx.member


# -- approval kinds and their buttons -----------------------------------------------------------

approval_kind(
    ApprovalKind(
        "dues.claim",
        title=lambda p: texts.DUES_CLAIM_TITLE.format(
            name=p["name"], amount=fmt.format_vnd(p["amount"])
        ),
        detail=lambda p: texts.DUES_CLAIM_DETAIL.format(
            name=p["name"],
            phone=_phone(p["phone"]),
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
            phone=_phone(p["phone"]),
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
        title=lambda p: texts.DUES_EX_TITLE.format(kind=kind_text(p["percent"]), name=p["name"]),
        detail=lambda p: texts.DUES_EX_DETAIL.format(
            name=p["name"],
            phone=_phone(p["phone"]),
            kind=kind_text(p["percent"]),
            months=p["months"],
            first=fmt.month(p["first_month"]),
            last=fmt.month(p["last_month"]),
            reason=texts.DUES_EX_REASONS.get(p["reason"], p["reason"]),
            note=f"«{p['note']}». " if p.get("note") else "",
        ),
        actions={"approve": texts.DUES_EX_AGREE, "decline": texts.DUES_EX_DISAGREE},
    )
)


def _transfer_detail(p: Params) -> str:
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
        detail=_transfer_detail,
        actions={"resolve": texts.DUES_TRANSFER_RESOLVE},
    )
)


async def _received(ctx: Ctx, intent_id: int) -> Outcome:
    try:
        payment = await dues.confirm_claim(ctx.session, ctx.settings, intent_id, _me(ctx), ctx.now)
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


async def _not_received(ctx: Ctx, intent_id: int) -> Outcome:
    try:
        intent = await dues.reject_claim(ctx.session, intent_id, _me(ctx), ctx.now)
    except PermissionError:
        return Done(texts.DUES_NOT_ALLOWED)
    if intent is None:
        return Done(texts.ALREADY_HANDLED)
    member = await directory.member(ctx.session, intent.member_id)
    return Done(texts.DUES_CLAIM_DECLINED_DONE.format(name=member.full_name))


async def _decide(ctx: Ctx, request_id: int, approve: bool) -> Outcome:
    try:
        request = await dues.decide(
            ctx.session, ctx.settings, request_id, _me(ctx), approve, ctx.now
        )
    except PermissionError:
        return Done(texts.DUES_NOT_ALLOWED)
    if request is None:
        return Done(texts.ALREADY_HANDLED)
    member = await directory.member(ctx.session, request.member_id)
    return Done(texts.DUES_DECIDED.format(name=member.full_name))


REGISTRY.action("dues.claim.received")(_received)
REGISTRY.action("dues.claim.not_received")(_not_received)


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


# -- "Tình hình đảng phí" ---------------------------------------------------------------------

cell_view = REGISTRY.dialog(Dialog("dues_cell", texts.DUES_CELL_TITLE, resumable=False))
COLLECTOR_ROLES = tuple(str(role) for role in dues.DUES_ROLES)


async def open_cell_view(ctx: Ctx) -> Outcome:
    cells = await dues.collecting_cells(ctx.session, _me(ctx).id)
    if not cells:
        return Done(texts.DUES_CELL_NONE)
    return Switch("dues_cell", {"org_id": cells[0].id} if len(cells) == 1 else {"pick": True})


REGISTRY.menu_entry(
    MenuEntry(
        "dues_cell",
        texts.DUES_CELL_TITLE,
        with_role(*COLLECTOR_ROLES),
        order=25,
        synonyms=texts.DUES_CELL_SYNONYMS,
        run=open_cell_view,
    )
)


async def _org_id(ctx: Ctx) -> int:
    org_id = ctx.data.get("org_id")
    allowed = {org.id for org in await dues.collecting_cells(ctx.session, _me(ctx).id)}
    if org_id not in allowed:
        raise Invalid(texts.DUES_NOT_ALLOWED)
    return int(org_id)


def _debtor_line(index: int, debtor: dues.Debtor) -> str:
    return texts.DUES_CELL_DEBTOR.format(
        index=index,
        name=debtor.member.full_name,
        phone=display_phone(debtor.member.phone) if debtor.member.phone else "—",
        count=len(debtor.owed),
        months=fmt.months([o.month for o in debtor.owed]),
        amount=fmt.format_vnd(debtor.total),
    )


async def _summary(ctx: Ctx) -> dues.CellSummary:
    return await dues.cell_summary(ctx.session, ctx.settings, await _org_id(ctx), ctx.now)


@cell_view.ask("overview")
async def ask_overview(ctx: Ctx) -> Ask:
    if "org_id" not in ctx.data:
        cells = await dues.collecting_cells(ctx.session, _me(ctx).id)
        return Ask(texts.DUES_CELL_PICK, [Option(f"org:{c.id}", c.name) for c in cells])
    summary = await _summary(ctx)
    claims = await dues.pending_claims(ctx.session, summary.org.id)
    waiting = await dues_bank.waiting(ctx.session, summary.org.id)
    lines = [
        texts.DUES_CELL_OVERVIEW.format(
            org=summary.org.name,
            month=fmt.month(summary.month),
            paid=summary.paid,
            paid_amount=fmt.format_vnd(summary.paid_amount),
            unpaid=summary.unpaid,
            unpaid_amount=fmt.format_vnd(summary.unpaid_amount),
            exempt=summary.exempt,
        )
    ]
    if summary.unpriced:
        names = ", ".join(m.full_name for m in summary.unpriced[:5])
        lines.append(texts.DUES_CELL_UNPRICED.format(count=len(summary.unpriced), names=names))
    lines.append(texts.DUES_CELL_WHAT)
    options = []
    if summary.debtors:
        options.append(
            Option(
                "unpaid",
                texts.DUES_CELL_UNPAID.format(count=len(summary.debtors)),
                ("chua nop", "danh sach", "ai chua nop"),
            )
        )
    options.append(Option("collect", texts.DUES_CELL_COLLECT, ("thu tien", "ghi nhan", "da thu")))
    if claims:
        options.append(
            Option(
                "claims",
                texts.DUES_CELL_CLAIMS.format(count=len(claims)),
                ("xac nhan", "bao chuyen khoan"),
            )
        )
    if waiting:
        options.append(
            Option(
                "transfers",
                texts.DUES_CELL_TRANSFERS.format(count=len(waiting)),
                ("chua khop", "chuyen khoan la"),
            )
        )
    return Ask("\n".join(lines), options)


@cell_view.on("overview")
async def on_overview(ctx: Ctx, key: str) -> Outcome:
    if key.startswith("org:"):
        ctx.data["org_id"] = int(key.removeprefix("org:"))
        await _org_id(ctx)
        return Goto("overview")
    return Goto(key)


@cell_view.ask("unpaid")
async def ask_unpaid(ctx: Ctx) -> Ask:
    summary = await _summary(ctx)
    lines = [_debtor_line(i, d) for i, d in enumerate(summary.debtors[:LIST_LIMIT], start=1)]
    if len(summary.debtors) > LIST_LIMIT:
        lines.append(texts.DUES_CELL_MORE.format(count=len(summary.debtors) - LIST_LIMIT))
    lines.append(texts.DUES_CELL_WHAT)
    return Ask(
        "\n".join(lines),
        [
            Option(
                "remind_all", texts.DUES_CELL_REMIND_ALL, ("nhac het", "nhac ca", "nhac tat ca")
            ),
            Option("remind_one", texts.DUES_CELL_REMIND_ONE, ("nhac mot", "nhac rieng")),
            Option("collect", texts.DUES_CELL_COLLECT, ("thu tien", "ghi nhan")),
        ],
    )


@cell_view.on("unpaid")
async def on_unpaid(ctx: Ctx, key: str) -> Outcome:
    if key == "remind_all":
        summary = await _summary(ctx)
        sent = await dues.remind(
            ctx.session, [d.member for d in summary.debtors], _me(ctx), ctx.now, ctx.settings
        )
        ctx.say(
            texts.DUES_CELL_REMINDED.format(count=sent) if sent else texts.DUES_CELL_REMINDED_NONE
        )
        return Goto("overview")
    return Goto(key)


@cell_view.ask("remind_one")
async def ask_remind_one(ctx: Ctx) -> Ask:
    summary = await _summary(ctx)
    return Ask(
        texts.DUES_CELL_REMIND_WHO,
        [Option(str(d.member.id), d.member.full_name) for d in summary.debtors],
    )


@cell_view.on("remind_one")
async def on_remind_one(ctx: Ctx, key: str) -> Outcome:
    summary = await _summary(ctx)
    chosen = [d.member for d in summary.debtors if str(d.member.id) == key]
    sent = await dues.remind(ctx.session, chosen, _me(ctx), ctx.now, ctx.settings)
    ctx.say(texts.DUES_CELL_REMINDED.format(count=sent) if sent else texts.DUES_CELL_REMINDED_NONE)
    return Goto("overview")


# -- recording money the cell received ------------------------------------------------------------


def _search(text: str) -> dict[str, str]:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid(texts.TEXT_EMPTY)
    return {"search": cleaned}


async def _find_member(ctx: Ctx, value: str | dict[str, str], org_id: int) -> Member:
    """A member chosen from the list or typed by name or phone, who belongs to this cell."""
    members = await dues.cell_members(ctx.session, org_id)
    if isinstance(value, str):
        found = [m for m in members if str(m.id) == value]
    else:
        found = dues.find_in(members, value["search"])
        if not found:
            raise Invalid(texts.DUES_CELL_NOT_FOUND.format(text=value["search"]))
        if len(found) > 1:
            raise Invalid(texts.DUES_CELL_MANY_FOUND.format(count=len(found)))
    if not found:
        raise Invalid(texts.NOT_UNDERSTOOD)
    member = found[0]
    if not await dues.may_collect(ctx.session, _me(ctx), member):
        raise Invalid(texts.DUES_CELL_NOT_YOURS.format(name=member.full_name))
    return member


@cell_view.ask("collect")
async def ask_collect(ctx: Ctx) -> Ask:
    summary = await _summary(ctx)
    return Ask(
        texts.DUES_CELL_WHO,
        [Option(str(d.member.id), d.member.full_name) for d in summary.debtors],
        parse=_search,
    )


@cell_view.on("collect")
async def on_collect(ctx: Ctx, value: str | dict[str, str]) -> Outcome:
    member = await _find_member(ctx, value, await _org_id(ctx))
    owed, ahead = await _months_and_ahead(ctx, member)
    if not owed and not ahead:
        raise Invalid(texts.DUES_CELL_NOTHING.format(name=member.full_name))
    ctx.data["member_id"] = member.id
    return Goto("collect_months")


async def _payer(ctx: Ctx) -> Member:
    return await directory.member(ctx.session, ctx.data["member_id"])


async def _months_and_ahead(ctx: Ctx, member: Member) -> tuple[list[dues.Owed], list[date]]:
    owed = await dues.due_now(ctx.session, ctx.settings, member, ctx.now)
    ahead = await dues.months_ahead_allowed(ctx.session, ctx.settings, member.id, ctx.now)
    return owed, ahead


@cell_view.ask("collect_months")
async def ask_collect_months(ctx: Ctx) -> Ask:
    member = await _payer(ctx)
    owed, ahead = await _months_and_ahead(ctx, member)
    if not owed:
        through = await dues.paid_through(ctx.session, member.id)
        month = (
            fmt.month(through) if through else fmt.month(dues.current_month(ctx.now, ctx.settings))
        )
        return Ask(
            texts.DUES_CELL_MONTHS_NONE.format(name=member.full_name, month=month)
            + " "
            + texts.DUES_CELL_COUNT.format(limit=max(len(ahead), 1)),
            parse=lambda typed: fmt.count(typed, max(len(ahead), 1)),
        )
    total = sum(o.amount for o in owed)
    options = [
        Option(
            "all",
            texts.DUES_CELL_ALL.format(count=len(owed), amount=fmt.format_vnd(total)),
            ("ca", "tat ca", "het"),
        )
    ]
    if len(owed) > 1:
        options.append(
            Option(
                "one",
                texts.DUES_CELL_ONE.format(
                    month=fmt.month(owed[0].month), amount=fmt.format_vnd(owed[0].amount)
                ),
                ("mot thang", "1 thang"),
            )
        )
    options.append(Option("other", texts.DUES_CELL_OTHER_COUNT, ("khac", "so khac")))
    return Ask(
        texts.DUES_CELL_MONTHS.format(
            name=member.full_name,
            count=len(owed),
            months=fmt.months([o.month for o in owed]),
            amount=fmt.format_vnd(total),
        ),
        options,
    )


@cell_view.on("collect_months")
async def on_collect_months(ctx: Ctx, value: str | int) -> Outcome:
    member = await _payer(ctx)
    owed, ahead = await _months_and_ahead(ctx, member)
    if value == "other":
        return Goto("collect_count")
    if isinstance(value, int):
        chosen = ahead[:value]
    else:
        chosen = [o.month for o in (owed if value == "all" else owed[:1])]
    ctx.data["months"] = [m.isoformat() for m in chosen]
    return Goto("collect_method")


@cell_view.ask("collect_count")
async def ask_collect_count(ctx: Ctx) -> Ask:
    member = await _payer(ctx)
    owed, ahead = await _months_and_ahead(ctx, member)
    limit = len(owed) + len(ahead)
    return Ask(
        texts.DUES_CELL_COUNT.format(limit=limit), parse=lambda typed: fmt.count(typed, limit)
    )


@cell_view.on("collect_count")
async def on_collect_count(ctx: Ctx, count: int) -> Outcome:
    member = await _payer(ctx)
    owed, ahead = await _months_and_ahead(ctx, member)
    chosen = ([o.month for o in owed] + ahead)[:count]
    ctx.data["months"] = [m.isoformat() for m in chosen]
    return Goto("collect_method")


@cell_view.ask("collect_method")
async def ask_collect_method(ctx: Ctx) -> Ask:
    return Ask(
        texts.DUES_CELL_METHOD,
        [
            Option("cash", texts.DUES_METHOD_CASH, ("tien mat", "mat", "nop tay")),
            Option("transfer", texts.DUES_METHOD_TRANSFER, ("chuyen khoan", "ck", "ngan hang")),
        ],
    )


@cell_view.on("collect_method")
async def on_collect_method(ctx: Ctx, key: str) -> Outcome:
    ctx.data["method"] = key
    return Goto("collect_confirm")


async def _collect_total(ctx: Ctx, member: Member) -> tuple[list[date], int]:
    months = [date.fromisoformat(m) for m in ctx.data["months"]]
    priced = await dues.price_months(ctx.session, member, months)
    return months, sum(p.amount for p in priced)


@cell_view.ask("collect_confirm")
async def ask_collect_confirm(ctx: Ctx) -> Ask:
    member = await _payer(ctx)
    months, total = await _collect_total(ctx, member)
    return Ask(
        texts.DUES_CELL_CONFIRM.format(
            name=member.full_name,
            amount=fmt.format_vnd(total),
            months=fmt.months(months),
            method=texts.DUES_METHOD_NAMES[ctx.data["method"]],
        ),
        [
            Option("yes", texts.DUES_CELL_YES, texts.DUES_CELL_YES_WORDS),
            Option("no", texts.DUES_FIX, ("sua", "sai", "khong")),
        ],
    )


@cell_view.on("collect_confirm")
async def on_collect_confirm(ctx: Ctx, key: str) -> Outcome:
    if key == "no":
        return Goto("collect_months")
    member = await _payer(ctx)
    if not await dues.may_collect(ctx.session, _me(ctx), member):
        raise Invalid(texts.DUES_CELL_NOT_YOURS.format(name=member.full_name))
    _months, total = await _collect_total(ctx, member)
    if total <= 0:
        raise Invalid(texts.DUES_CELL_NOTHING.format(name=member.full_name))
    payment = await dues.record_payment(
        ctx.session,
        ctx.settings,
        member,
        total,
        PaymentMethod(ctx.data["method"]),
        ctx.now,
        confirmed_by=_me(ctx),
    )
    stored = await dues.receipt_file(ctx.session, ctx.settings, payment, ctx.now)
    return Done(
        texts.DUES_CELL_DONE.format(number=payment.receipt_number, name=member.full_name),
        [Attachment(stored.token, stored.filename, is_image=False)],
    )


# -- pending claims and unmatched transfers -------------------------------------------------------


@cell_view.ask("claims")
async def ask_claims(ctx: Ctx) -> Ask:
    claims = await dues.pending_claims(ctx.session, await _org_id(ctx))
    options = []
    for intent in claims:
        member = await directory.member(ctx.session, intent.member_id)
        when = (intent.claimed_at or intent.created_at).astimezone(ctx.settings.tz)
        options.append(
            Option(
                str(intent.id),
                texts.DUES_CELL_CLAIM_ITEM.format(
                    name=member.full_name,
                    amount=fmt.format_vnd(intent.amount),
                    date=when.strftime("%d/%m"),
                ),
            )
        )
    return Ask(texts.DUES_CELL_CLAIM_PICK, options)


@cell_view.on("claims")
async def on_claims(ctx: Ctx, key: str) -> Outcome:
    ctx.data["intent_id"] = int(key)
    return Goto("claim")


@cell_view.ask("claim")
async def ask_claim(ctx: Ctx) -> Ask:
    intent = await ctx.session.get(PaymentIntent, ctx.data["intent_id"])
    assert intent is not None
    member = await directory.member(ctx.session, intent.member_id)
    text = texts.DUES_CLAIM_DETAIL.format(
        name=member.full_name,
        phone=_phone(member.phone),
        amount=fmt.format_vnd(intent.amount),
        months=fmt.months(intent.months),
        reference=intent.reference,
    )
    return Ask(
        text,
        [
            Option("received", texts.DUES_CLAIM_RECEIVED, ("da nhan", "nhan roi", "co tien")),
            Option("not_received", texts.DUES_CLAIM_NOT_RECEIVED, ("chua thay", "khong thay")),
        ],
    )


@cell_view.on("claim")
async def on_claim(ctx: Ctx, key: str) -> Outcome:
    handler = _received if key == "received" else _not_received
    return await handler(ctx, ctx.data["intent_id"])


@cell_view.ask("transfers")
async def ask_transfers(ctx: Ctx) -> Ask:
    waiting = await dues_bank.waiting(ctx.session, await _org_id(ctx))
    options = [
        Option(
            str(tx.id),
            texts.DUES_CELL_TRANSFER_ITEM.format(
                amount=fmt.format_vnd(tx.amount),
                date=tx.occurred_at.astimezone(ctx.settings.tz).strftime("%d/%m"),
                memo=tx.memo[:30],
            ),
        )
        for tx in waiting
    ]
    return Ask(texts.DUES_CELL_TRANSFER_PICK, options)


@cell_view.on("transfers")
async def on_transfers(ctx: Ctx, key: str) -> Outcome:
    return Switch("dues_resolve", {"tx_id": int(key)})


# -- resolving one transfer -----------------------------------------------------------------------

resolve = REGISTRY.dialog(Dialog("dues_resolve", texts.DUES_TRANSFER_RESOLVE, resumable=False))


async def _tx(ctx: Ctx) -> BankTransaction:
    tx = await ctx.session.get(BankTransaction, ctx.data.get("tx_id"))
    if tx is None or tx.status != BankTxStatus.REVIEW:
        raise Invalid(texts.DUES_TRANSFER_GONE)
    if tx.org_id is None or not await directory.holds_role_over(
        ctx.session, _me(ctx).id, tx.org_id, dues.DUES_ROLES
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
    return Ask(_transfer_detail(params), options)


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
    summary = await dues.cell_summary(ctx.session, ctx.settings, tx.org_id, ctx.now)
    return Ask(
        texts.DUES_CELL_WHO,
        [Option(str(d.member.id), d.member.full_name) for d in summary.debtors],
        parse=_search,
    )


@resolve.on("member")
async def on_member(ctx: Ctx, value: str | dict[str, str]) -> Outcome:
    tx = await _tx(ctx)
    assert tx.org_id is not None
    member = await _find_member(ctx, value, tx.org_id)
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
        payment = await dues_bank.resolve(ctx.session, ctx.settings, tx, member, _me(ctx), ctx.now)
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
        await dues_bank.ignore(ctx.session, tx, _me(ctx), ctx.now)
    except PermissionError:
        raise Invalid(texts.DUES_NOT_ALLOWED) from None
    return Done(texts.DUES_TRANSFER_IGNORED)
