"""The member's "Nộp đảng phí": what is owed, paying by VietQR (or cash), receipts, a changed
base, and applying for exemption or reduction.

The bot shows the exact amounts the rules give, never says online payment is compulsory, and
changes nothing about the amount itself: a new base waits for the treasurer, an exemption for the
secretary.
"""

from dataclasses import dataclass
from datetime import date

from partybot.dialogs import dues_format as fmt
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
    everyone,
)
from partybot.dialogs.model import Attachment
from partybot.services import directory, dues, dues_requests, files, vietqr
from partybot.services.dues_rules import Amount, AmountUnknown
from partybot.storage.models import DuesPayment, IntentStatus, Member, PaymentIntent

BASE_CATEGORIES = ("salary", "benefit", "pension", "abroad_allowance", "abroad_other")

pay = REGISTRY.dialog(Dialog("dues", texts.DUES_TITLE, help=texts.DUES_HELP))
REGISTRY.menu_entry(
    MenuEntry(
        "dues",
        texts.DUES_TITLE,
        everyone,
        order=20,
        synonyms=texts.DUES_SYNONYMS,
        intents=("dues", "dues_history"),
    )
)


def me(ctx: Ctx) -> Member:
    assert ctx.member is not None
    return ctx.member


@dataclass
class View:
    """Where the member stands today."""

    this_month: date
    price: Amount | None
    unknown: str | None
    owed: list[dues.Owed]
    through: date | None
    intent: PaymentIntent | None


async def view(ctx: Ctx) -> View:
    member = me(ctx)
    this_month = dues.current_month(ctx.now, ctx.settings)
    price, unknown = None, None
    try:
        price = await dues.amount_for(ctx.session, member, this_month)
    except AmountUnknown as missing:
        unknown = missing.reason
    return View(
        this_month,
        price,
        unknown,
        await dues.due_now(ctx.session, ctx.settings, member, ctx.now),
        await dues.paid_through(ctx.session, member.id),
        await dues.latest_intent(ctx.session, member.id),
    )


def _status_lines(state: View) -> list[str]:
    lines = []
    if state.price is not None and state.price.exemption:
        lines.append(
            texts.DUES_EXEMPT.format(reason=texts.DUES_EXEMPT_REASONS[state.price.exemption])
        )
    elif state.price is not None:
        lines.append(texts.DUES_RATE.format(amount=fmt.format_vnd(state.price.amount)))
    else:
        lines.append(
            texts.DUES_UNKNOWN.format(reason=texts.DUES_UNKNOWN_REASONS[state.unknown or "no_rule"])
        )
    total = fmt.format_vnd(sum(o.amount for o in state.owed))
    if len(state.owed) == 1:
        lines.append(texts.DUES_OWED_ONE.format(months=fmt.month(state.owed[0].month), total=total))
    elif state.owed:
        lines.append(
            texts.DUES_OWED_MANY.format(
                count=len(state.owed), months=fmt.months([o.month for o in state.owed]), total=total
            )
        )
    elif state.through is not None and state.through >= state.this_month:
        lines.append(texts.DUES_PAID_UP.format(month=fmt.month(state.through)))
    elif state.price is not None and not state.price.exemption:
        lines.append(texts.DUES_NOTHING_DUE)
    if state.intent is not None:
        template = (
            texts.DUES_CLAIMED
            if state.intent.status == IntentStatus.CLAIMED
            else texts.DUES_OPEN_INTENT
        )
        lines.append(template.format(amount=fmt.format_vnd(state.intent.amount)))
    return lines


@pay.ask("start")
async def ask_start(ctx: Ctx) -> Ask:
    state = await view(ctx)
    options = []
    if state.intent is not None and state.intent.status == IntentStatus.OPEN:
        options.append(Option("claim", texts.DUES_CLAIM_OPTION, ("da chuyen", "chuyen roi")))
    if state.owed:
        first = state.owed[0]
        options.append(
            Option(
                "oldest",
                texts.DUES_PAY_ONE.format(
                    month=fmt.month(first.month), amount=fmt.format_vnd(first.amount)
                ),
                ("thang nay", "mot thang", "1 thang", "nop thang nay"),
            )
        )
    if len(state.owed) > 1:
        options.append(
            Option(
                "all",
                texts.DUES_PAY_ALL.format(
                    count=len(state.owed),
                    amount=fmt.format_vnd(sum(o.amount for o in state.owed)),
                ),
                ("tat ca", "nop het", "ca", "het", "nop tat ca", "nop ca"),
            )
        )
    if state.price is not None and not state.price.exemption:
        options.append(
            Option(
                "ahead", texts.DUES_PAY_AHEAD, ("nop truoc", "truoc", "dong truoc", "nhieu thang")
            )
        )
    if state.price is None and state.unknown == "no_base":
        options.append(Option("base", texts.DUES_REPORT_BASE, ("bao luong", "luong huu")))
    options.append(Option("other", texts.DUES_OTHER, ("khac", "viec khac", "bien lai", "lich su")))
    lines = _status_lines(state)
    if state.owed or (state.price is not None and not state.price.exemption):
        lines.append(texts.DUES_CASH_LINE)
    lines.append(texts.DUES_HOW if state.owed else texts.DUES_OTHER_ASK)
    return Ask("\n".join(lines), options, help=texts.DUES_HELP)


@pay.on("start")
async def on_start(ctx: Ctx, key: str) -> Outcome:
    state = await view(ctx)
    if key == "claim":
        return await _claim(ctx)
    if key in ("oldest", "all"):
        chosen = state.owed[:1] if key == "oldest" else state.owed
        if not chosen:
            raise Invalid(texts.NOT_UNDERSTOOD)
        ctx.data["months"] = [o.month.isoformat() for o in chosen]
        return Goto("confirm")
    if key == "ahead":
        allowed = await dues.months_ahead_allowed(ctx.session, ctx.settings, me(ctx).id, ctx.now)
        if not allowed:
            return Done(texts.DUES_AHEAD_NONE.format(limit=ctx.settings.dues_max_months_ahead))
        return Goto("ahead")
    if key == "base":
        return await _to_base(ctx)
    return Goto("other")


async def _claim(ctx: Ctx) -> Outcome:
    member = me(ctx)
    intent = await dues.latest_intent(ctx.session, member.id)
    if intent is None:
        return Done(texts.DUES_ALREADY_PAID)
    await dues.claim(ctx.session, member, intent, ctx.now)
    return Done(texts.DUES_CLAIM_SENT)


# -- how many months ahead --------------------------------------------------------------------


@pay.ask("ahead")
async def ask_ahead(ctx: Ctx) -> Ask:
    member = me(ctx)
    allowed = await dues.months_ahead_allowed(ctx.session, ctx.settings, member.id, ctx.now)
    owed = await dues.due_now(ctx.session, ctx.settings, member, ctx.now)
    limit = max(len(allowed), 1)
    text = (
        texts.DUES_ASK_AHEAD_OWED.format(owed=len(owed), limit=limit)
        if owed
        else texts.DUES_ASK_AHEAD.format(limit=limit)
    )
    return Ask(text, parse=lambda typed: fmt.count(typed, limit), placeholder="3")


@pay.on("ahead")
async def on_ahead(ctx: Ctx, count: int) -> Outcome:
    member = me(ctx)
    allowed = await dues.months_ahead_allowed(ctx.session, ctx.settings, member.id, ctx.now)
    owed = await dues.due_now(ctx.session, ctx.settings, member, ctx.now)
    chosen = [o.month for o in owed] + allowed[:count]
    ctx.data["months"] = [m.isoformat() for m in chosen]
    if not (await _chosen(ctx))[0]:
        return Done(texts.DUES_NOTHING_DUE)
    return Goto("confirm")


# -- summary, QR code, claim ------------------------------------------------------------------


async def _chosen(ctx: Ctx) -> tuple[list[date], int]:
    months = [date.fromisoformat(m) for m in ctx.data.get("months", [])]
    priced = [p for p in await dues.price_months(ctx.session, me(ctx), months) if p.amount > 0]
    return [p.month for p in priced], sum(p.amount for p in priced)


@pay.ask("confirm")
async def ask_confirm(ctx: Ctx) -> Ask:
    months, total = await _chosen(ctx)
    payee = await dues.payee(ctx.session, me(ctx))
    values = {"months": fmt.months(months), "amount": fmt.format_vnd(total)}
    options = [Option("cash", texts.DUES_CASH, texts.DUES_CASH_WORDS)]
    if payee is None:
        return Ask(texts.DUES_CONFIRM_CASH_ONLY.format(**values), options)
    options.insert(0, Option("qr", texts.DUES_QR_YES, texts.DUES_QR_YES_WORDS))
    options.append(Option("again", texts.DUES_CHOOSE_AGAIN, ("chon lai", "sua", "lai")))
    return Ask(texts.DUES_CONFIRM.format(**values), options)


async def _treasurer_name(ctx: Ctx) -> str:
    found = await directory.nearest_holders(ctx.session, me(ctx).official_org_id, dues.DUES_ROLES)
    return found[0].full_name if found else texts.DUES_TREASURER_UNKNOWN


@pay.on("confirm")
async def on_confirm(ctx: Ctx, key: str) -> Outcome:
    member = me(ctx)
    months, total = await _chosen(ctx)
    if key == "again":
        return Goto("start")
    if key == "cash":
        return Done(
            texts.DUES_CASH_DONE.format(
                amount=fmt.format_vnd(total), treasurer=await _treasurer_name(ctx)
            )
        )
    payee = await dues.payee(ctx.session, member)
    if payee is None:
        raise Invalid(texts.NOT_UNDERSTOOD)
    intent = await dues.create_intent(ctx.session, member, months, ctx.now)
    memo = dues.transfer_memo(intent)
    assert payee.bank_bin and payee.bank_account
    payload = vietqr.build_payload(payee.bank_bin, payee.bank_account, intent.amount, memo)
    stored = await files.store(
        ctx.session,
        vietqr.render_png(payload),
        f"qr-{intent.reference}.png",
        "image/png",
        ctx.now,
        member_id=member.id,
        keep_days=dues.QR_KEEP_DAYS,
    )
    bank = vietqr.bank_by_bin(payee.bank_bin)
    ctx.say(
        texts.DUES_QR.format(
            bank=bank.short_name if bank else payee.bank_bin,
            account=payee.bank_account,
            holder=payee.bank_account_name or payee.name,
            amount=fmt.format_vnd(intent.amount),
            memo=memo,
        ),
        [Attachment(stored.token, stored.filename, is_image=True)],
    )
    ctx.data["intent_id"] = intent.id
    return Goto("transfer")


@pay.ask("transfer")
async def ask_transfer(ctx: Ctx) -> Ask:
    return Ask(
        texts.DUES_AFTER_QR,
        [
            Option(
                "done",
                texts.DUES_CLAIM_OPTION,
                ("da chuyen", "chuyen roi", "xong", "da chuyen khoan", "roi", "da ck", "ck roi"),
            ),
            Option("later", texts.DUES_LATER, ("sau", "de sau", "chua")),
        ],
        help=texts.DUES_HELP,
    )


@pay.on("transfer")
async def on_transfer(ctx: Ctx, key: str) -> Outcome:
    intent = await ctx.session.get(PaymentIntent, ctx.data.get("intent_id"))
    if intent is None:
        return Goto("start")
    if intent.status == IntentStatus.PAID:
        return Done(texts.DUES_ALREADY_PAID)
    if key == "later":
        return Done(texts.DUES_LATER_DONE)
    await dues.claim(ctx.session, me(ctx), intent, ctx.now)
    return Done(texts.DUES_CLAIM_SENT)


# -- other things: history, base, exemption, how it is computed --------------------------------


@pay.ask("other")
async def ask_other(ctx: Ctx) -> Ask:
    return Ask(
        texts.DUES_OTHER_ASK,
        [
            Option("history", texts.DUES_HISTORY, ("lich su", "bien lai", "da nop")),
            Option("base", texts.DUES_BASE_CHANGE, ("thu nhap", "luong", "luong huu", "bao luong")),
            Option("exemption", texts.DUES_EXEMPTION, ("mien", "giam", "xin mien", "xin giam")),
            Option("explain", texts.DUES_EXPLAIN_OPTION, ("cach tinh", "tai sao", "vi sao", "muc")),
        ],
    )


@pay.on("other")
async def on_other(ctx: Ctx, key: str) -> Outcome:
    if key == "explain":
        return Done(await explain(ctx))
    if key == "history":
        if not await dues.payments_of(ctx.session, me(ctx).id, limit=1):
            return Done(texts.DUES_HISTORY_NONE)
        return Goto("history")
    if key == "base":
        return await _to_base(ctx)
    state = await view(ctx)
    if state.price is not None and state.price.exemption:
        reason = texts.DUES_EXEMPT_REASONS[state.price.exemption]
        return Done(texts.DUES_EX_ALREADY.format(reason=reason))
    if await dues_requests.pending_request(ctx.session, me(ctx).id, "exemption"):
        return Done(texts.DUES_EX_PENDING)
    return Goto("ex_kind")


async def _to_base(ctx: Ctx) -> Outcome:
    member = me(ctx)
    if member.dues_category not in BASE_CATEGORIES:
        return Done(texts.DUES_BASE_NOT_NEEDED)
    pending = await dues_requests.pending_request(ctx.session, member.id, "base")
    if pending is not None:
        return Done(
            texts.DUES_BASE_PENDING.format(base=fmt.format_vnd(int(pending.params["base"])))
        )
    return Goto("base")


def _how(price: Amount) -> str:
    if price.method == "percent_of_base":
        return texts.DUES_EXPLAIN_BASE.format(
            percent=fmt.percent(price.percent or 0),
            what=texts.DUES_EXPLAIN_WHAT.get(price.category or "", ""),
            basis=fmt.format_vnd(price.basis or 0),
            exact=fmt.exact(price.exact * 100 / (100 - price.reduction)),
        )
    if price.method == "percent_of_min_wage":
        return texts.DUES_EXPLAIN_WAGE.format(
            percent=fmt.percent(price.percent or 0),
            region=price.region,
            basis=fmt.format_vnd(price.basis or 0),
            exact=fmt.exact(price.exact * 100 / (100 - price.reduction)),
        )
    template = (
        texts.DUES_EXPLAIN_DECLARED if price.method == "declared" else texts.DUES_EXPLAIN_FIXED
    )
    return template.format(amount=fmt.exact(price.exact * 100 / (100 - price.reduction)))


async def explain(ctx: Ctx) -> str:
    """The member's rule, rate, base and result for this month, with any rounding shown."""
    state = await view(ctx)
    price = state.price
    if price is None:
        return texts.DUES_UNKNOWN.format(
            reason=texts.DUES_UNKNOWN_REASONS[state.unknown or "no_rule"]
        )
    rule = texts.DUES_RULE_NAMES.get(price.rule, price.rule)
    if price.exemption:
        reason = texts.DUES_EXEMPT_REASONS[price.exemption]
        return texts.DUES_EXEMPT.format(reason=reason) + " " + rule + "."
    lines = [texts.DUES_EXPLAIN.format(rule=rule, how=_how(price))]
    if price.reduction:
        lines.append(
            texts.DUES_EXPLAIN_REDUCED.format(percent=price.reduction, exact=fmt.exact(price.exact))
        )
    if price.rounded:
        lines.append(texts.DUES_EXPLAIN_ROUNDED.format(amount=fmt.format_vnd(price.amount)))
    lines.append(
        texts.DUES_EXPLAIN_RESULT.format(
            month=fmt.month(price.month), amount=fmt.format_vnd(price.amount)
        )
    )
    if price.uncertain:
        lines.append(texts.DUES_EXPLAIN_UNCERTAIN)
    return "\n".join(lines)


@pay.ask("history")
async def ask_history(ctx: Ctx) -> Ask:
    payments = await dues.payments_of(ctx.session, me(ctx).id, limit=8)
    options = []
    for payment in payments:
        lines = await dues.receipt_lines(ctx.session, payment.id)
        options.append(
            Option(
                str(payment.id),
                texts.DUES_HISTORY_ITEM.format(
                    date=payment.received_at.astimezone(ctx.settings.tz).strftime("%d/%m/%Y"),
                    amount=fmt.format_vnd(payment.amount),
                    months=fmt.months([line.month for line in lines]) or "—",
                ),
            )
        )
    return Ask(texts.DUES_HISTORY_ASK, options)


@pay.on("history")
async def on_history(ctx: Ctx, key: str) -> Outcome:
    payment = await ctx.session.get(DuesPayment, int(key))
    if payment is None or payment.member_id != me(ctx).id:
        raise Invalid(texts.NOT_UNDERSTOOD)
    stored = await dues.receipt_file(ctx.session, ctx.settings, payment, ctx.now)
    return Done(
        texts.DUES_RECEIPT_AGAIN.format(number=payment.receipt_number),
        [Attachment(stored.token, stored.filename, is_image=False)],
    )
