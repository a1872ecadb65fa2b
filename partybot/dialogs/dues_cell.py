"""The treasurer's and secretary's "Tình hình đảng phí": this month at a glance, the unpaid list
with one-tap kind reminders, recording money received, pending claims and unmatched transfers."""

from datetime import date

from partybot.dialogs import dues_format as fmt
from partybot.dialogs import texts
from partybot.dialogs.dues import me
from partybot.dialogs.dues_approvals import claim_not_received, claim_received
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
from partybot.services import directory, dues, dues_bank, dues_view
from partybot.services.phones import display_phone
from partybot.storage.models import (
    Member,
    PaymentIntent,
    PaymentMethod,
)

LIST_LIMIT = 15


# -- "Tình hình đảng phí" ---------------------------------------------------------------------

cell_view = REGISTRY.dialog(Dialog("dues_cell", texts.DUES_CELL_TITLE, resumable=False))
COLLECTOR_ROLES = tuple(str(role) for role in dues.DUES_ROLES)


async def open_cell_view(ctx: Ctx) -> Outcome:
    cells = await dues_view.collecting_cells(ctx.session, me(ctx).id)
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
        intents=("dues_report",),
    )
)


async def _org_id(ctx: Ctx) -> int:
    org_id = ctx.data.get("org_id")
    allowed = {org.id for org in await dues_view.collecting_cells(ctx.session, me(ctx).id)}
    if org_id not in allowed:
        raise Invalid(texts.DUES_NOT_ALLOWED)
    return int(org_id)


def _debtor_line(index: int, debtor: dues_view.Debtor) -> str:
    return texts.DUES_CELL_DEBTOR.format(
        index=index,
        name=debtor.member.full_name,
        phone=display_phone(debtor.member.phone) if debtor.member.phone else "—",
        count=len(debtor.owed),
        months=fmt.months([o.month for o in debtor.owed]),
        amount=fmt.format_vnd(debtor.total),
    )


async def _summary(ctx: Ctx) -> dues_view.CellSummary:
    return await dues_view.cell_summary(ctx.session, ctx.settings, await _org_id(ctx), ctx.now)


@cell_view.ask("overview")
async def ask_overview(ctx: Ctx) -> Ask:
    if "org_id" not in ctx.data:
        cells = await dues_view.collecting_cells(ctx.session, me(ctx).id)
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
        sent = await dues_view.remind(
            ctx.session, [d.member for d in summary.debtors], me(ctx), ctx.now, ctx.settings
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
    sent = await dues_view.remind(ctx.session, chosen, me(ctx), ctx.now, ctx.settings)
    ctx.say(texts.DUES_CELL_REMINDED.format(count=sent) if sent else texts.DUES_CELL_REMINDED_NONE)
    return Goto("overview")


# -- recording money the cell received ------------------------------------------------------------


def search_text(text: str) -> dict[str, str]:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid(texts.TEXT_EMPTY)
    return {"search": cleaned}


async def find_member(ctx: Ctx, value: str | dict[str, str], org_id: int) -> Member:
    """A member chosen from the list or typed by name or phone, who belongs to this cell."""
    members = await dues_view.cell_members(ctx.session, org_id)
    if isinstance(value, str):
        found = [m for m in members if str(m.id) == value]
    else:
        found = dues_view.find_in(members, value["search"])
        if not found:
            raise Invalid(texts.DUES_CELL_NOT_FOUND.format(text=value["search"]))
        if len(found) > 1:
            raise Invalid(texts.DUES_CELL_MANY_FOUND.format(count=len(found)))
    if not found:
        raise Invalid(texts.NOT_UNDERSTOOD)
    member = found[0]
    if not await dues.may_collect(ctx.session, me(ctx), member):
        raise Invalid(texts.DUES_CELL_NOT_YOURS.format(name=member.full_name))
    return member


@cell_view.ask("collect")
async def ask_collect(ctx: Ctx) -> Ask:
    summary = await _summary(ctx)
    return Ask(
        texts.DUES_CELL_WHO,
        [Option(str(d.member.id), d.member.full_name) for d in summary.debtors],
        parse=search_text,
    )


@cell_view.on("collect")
async def on_collect(ctx: Ctx, value: str | dict[str, str]) -> Outcome:
    member = await find_member(ctx, value, await _org_id(ctx))
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
    if not await dues.may_collect(ctx.session, me(ctx), member):
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
        confirmed_by=me(ctx),
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
        phone=fmt.phone(member.phone),
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
    handler = claim_received if key == "received" else claim_not_received
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
