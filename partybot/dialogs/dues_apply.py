"""The member asks about the amount itself: reports a changed income (the treasurer confirms
it) or applies for exemption or reduction (the secretary decides). Steps of "Nộp đảng phí"."""

from dataclasses import replace

from partybot.dialogs import dues_format as fmt
from partybot.dialogs import inputs, texts
from partybot.dialogs.dues import me, pay
from partybot.dialogs.flow import (
    Ask,
    Ctx,
    Done,
    Goto,
    Invalid,
    Option,
    Outcome,
)
from partybot.services import dues, dues_requests
from partybot.services.dues_rules import compute, load_rules
from partybot.services.textnorm import fold
from partybot.services.vnwords import from_words

BASE_MIN = 100_000
BASE_MAX = 1_000_000_000


# -- a changed base -------------------------------------------------------------------------


def parse_base(text: str) -> int:
    """A base typed as "7 triệu", "7tr", "7.000.000", "7,000,000 đ" or "bảy triệu"."""
    try:
        value = inputs.amount(text)
    except Invalid as bad:
        words = from_words(text)
        if words is None:
            raise bad from None
        value = words
    if value < BASE_MIN:
        raise Invalid(texts.DUES_BASE_TOO_SMALL)
    if value > BASE_MAX:
        raise Invalid(texts.DUES_BASE_TOO_BIG)
    return value


@pay.ask("base")
async def ask_base(ctx: Ctx) -> Ask:
    member = me(ctx)
    base = fmt.format_vnd(member.dues_base) if member.dues_base else texts.DUES_BASE_NONE
    what = texts.DUES_BASE_WHAT[member.dues_category or "salary"]
    return Ask(
        texts.DUES_BASE_ASK.format(base=base, what=what),
        parse=parse_base,
        placeholder="7.000.000",
    )


@pay.on("base")
async def on_base(ctx: Ctx, base: int) -> Outcome:
    ctx.data["base"] = base
    return Goto("base_confirm")


@pay.ask("base_confirm")
async def ask_base_confirm(ctx: Ctx) -> Ask:
    member = me(ctx)
    this_month = dues.current_month(ctx.now, ctx.settings)
    rules = await load_rules(ctx.session)
    facts = await dues.facts_for(ctx.session, member)
    amount = compute(rules, replace(facts, base=ctx.data["base"]), this_month).amount
    return Ask(
        texts.DUES_BASE_CONFIRM.format(
            base=fmt.format_vnd(ctx.data["base"]),
            amount=fmt.format_vnd(amount),
            month=fmt.month(this_month),
        ),
        [
            Option("send", texts.DUES_SEND, texts.DUES_SEND_WORDS),
            Option("fix", texts.DUES_FIX, ("sua", "sai", "nhap lai")),
        ],
    )


@pay.on("base_confirm")
async def on_base_confirm(ctx: Ctx, key: str) -> Outcome:
    if key == "fix":
        return Goto("base")
    await dues_requests.request_base_change(
        ctx.session, ctx.settings, me(ctx), ctx.data["base"], ctx.now
    )
    return Done(texts.DUES_BASE_SENT)


# -- applying for exemption or reduction ------------------------------------------------------


@pay.ask("ex_kind")
async def ask_ex_kind(ctx: Ctx) -> Ask:
    return Ask(
        texts.DUES_EX_KIND,
        [
            Option("100", texts.DUES_EX_FULL, ("mien", "mien het", "mien hoan toan", "toan bo")),
            *(
                Option(str(p), texts.DUES_EX_REDUCE.format(percent=p), (f"giam {p}",))
                for p in (70, 50, 30)
            ),
        ],
    )


@pay.on("ex_kind")
async def on_ex_kind(ctx: Ctx, key: str) -> Outcome:
    ctx.data["percent"] = int(key)
    return Goto("ex_reason")


@pay.ask("ex_reason")
async def ask_ex_reason(ctx: Ctx) -> Ask:
    return Ask(
        texts.DUES_EX_REASON,
        [Option(key, label) for key, label in texts.DUES_EX_REASONS.items()],
    )


@pay.on("ex_reason")
async def on_ex_reason(ctx: Ctx, key: str) -> Outcome:
    ctx.data["reason"] = key
    return Goto("ex_months")


async def _decision_limit(ctx: Ctx) -> int:
    rules = await load_rules(ctx.session)
    rule = rules.rule_set_for(dues.current_month(ctx.now, ctx.settings))
    return rule.max_decision_months if rule else 12


@pay.ask("ex_months")
async def ask_ex_months(ctx: Ctx) -> Ask:
    limit = await _decision_limit(ctx)
    return Ask(
        texts.DUES_EX_MONTHS.format(limit=limit),
        parse=lambda typed: fmt.count(typed, limit),
        placeholder="6",
    )


@pay.on("ex_months")
async def on_ex_months(ctx: Ctx, months: int) -> Outcome:
    ctx.data["ex_months"] = months
    return Goto("ex_note")


def parse_note(text: str) -> str:
    if fold(text) in texts.DUES_EX_NOTE_SKIP:
        return ""
    return inputs.free_text(300)(text)


@pay.ask("ex_note")
async def ask_ex_note(ctx: Ctx) -> Ask:
    return Ask(texts.DUES_EX_NOTE, parse=parse_note)


@pay.on("ex_note")
async def on_ex_note(ctx: Ctx, note: str) -> Outcome:
    ctx.data["note"] = note
    return Goto("ex_confirm")


@pay.ask("ex_confirm")
async def ask_ex_confirm(ctx: Ctx) -> Ask:
    this_month = dues.current_month(ctx.now, ctx.settings)
    return Ask(
        texts.DUES_EX_CONFIRM.format(
            kind=fmt.kind_text(ctx.data["percent"]),
            months=ctx.data["ex_months"],
            first=fmt.month(this_month),
            reason=texts.DUES_EX_REASONS[ctx.data["reason"]],
        ),
        [
            Option("send", texts.DUES_SEND, texts.DUES_SEND_WORDS),
            Option("fix", texts.DUES_FIX, ("sua", "sai", "lam lai")),
        ],
    )


@pay.on("ex_confirm")
async def on_ex_confirm(ctx: Ctx, key: str) -> Outcome:
    if key == "fix":
        return Goto("ex_kind")
    await dues_requests.request_exemption(
        ctx.session,
        ctx.settings,
        me(ctx),
        ctx.data["percent"],
        ctx.data["reason"],
        ctx.data["ex_months"],
        ctx.data.get("note", ""),
        ctx.now,
    )
    return Done(texts.DUES_EX_SENT)
