"""The member's "Chuyển sinh hoạt đảng": find the right case, then the request, then send it.

The case comes first in plain words (moving for good, away for a while, studying; under three
months there is nothing to do). The same steps serve a returned request being fixed: that dialog
starts at the summary, and every edit comes back to it. The sealed dossier is never asked for.
"""

from datetime import date, timedelta
from typing import Any

from partybot.dialogs import inputs, texts
from partybot.dialogs import transfer_format as fmt
from partybot.dialogs.flow import (
    REGISTRY,
    AnswerFn,
    Ask,
    AskFn,
    Ctx,
    Dialog,
    Done,
    Goto,
    Invalid,
    MenuEntry,
    Option,
    Outcome,
    Switch,
    everyone,
)
from partybot.services import (  # transfer_sweeps: registers the deadline sweeps
    directory,
    org_search,
    transfer_sweeps,  # noqa: F401
    transfer_views,
    transfers,
)
from partybot.services.transfer_rules import (
    OfficialReason,
    StayProblem,
    TemporaryReason,
    longest_end,
    start_check,
    stay_problem,
)
from partybot.storage.models import TransferKind

START_PAST_DAYS = 60
START_AHEAD_DAYS = 366
OFFICIAL_REASONS = {
    OfficialReason.JOB: (texts.TRANSFER_REASON_JOB, texts.TRANSFER_REASON_JOB_WORDS),
    OfficialReason.RETIRE: (texts.TRANSFER_REASON_RETIRE, texts.TRANSFER_REASON_RETIRE_WORDS),
    OfficialReason.LEAVE: (texts.TRANSFER_REASON_LEAVE, texts.TRANSFER_REASON_LEAVE_WORDS),
    OfficialReason.HOME: (texts.TRANSFER_REASON_HOME, texts.TRANSFER_REASON_HOME_WORDS),
}
OUTSIDE_KEY = "outside"

request = REGISTRY.dialog(Dialog("transfer", texts.TRANSFER_TITLE, help=texts.TRANSFER_HELP))
fix = REGISTRY.dialog(Dialog("transfer_fix", texts.TRANSFER_TITLE, help=texts.TRANSFER_HELP))


def org_key(org_id: int) -> str:
    return f"org:{org_id}"


def then(ctx: Ctx, step: str) -> Goto:
    """The next step, or back to the summary when the member is editing one answer."""
    return Goto("confirm") if ctx.data.get("editing") else Goto(step)


def is_temporary(ctx: Ctx) -> bool:
    return ctx.data.get("kind") == TransferKind.TEMPORARY


# -- the menu entry -------------------------------------------------------------------------


async def open_transfers(ctx: Ctx) -> Outcome:
    """An open request shows where it stands; otherwise a new one starts, if nothing blocks it."""
    member = ctx.member
    assert member is not None
    current = await transfers.open_transfer(ctx.session, member.id)
    if current is not None:
        return Switch("transfer_status", {"transfer_id": current.id})
    found = await transfers.blockers(ctx.session, member.id, ctx.local_now.date())
    if any(b.kind == "flag" for b in found):
        return Done(texts.TRANSFER_FLAGGED)
    dues = [b for b in found if b.kind == "dues"]
    if dues:
        return Switch("transfer_dues", {"months": [m.isoformat() for m in dues[0].months]})
    return Switch("transfer")


REGISTRY.menu_entry(
    MenuEntry(
        "transfer",
        texts.TRANSFER_TITLE,
        everyone,
        order=40,
        synonyms=texts.TRANSFER_WORDS,
        run=open_transfers,
        intents=("transfer", "transfer_official", "transfer_temporary"),
    )
)


# -- unpaid dues first ----------------------------------------------------------------------

dues_first = REGISTRY.dialog(Dialog("transfer_dues", texts.TRANSFER_TITLE, resumable=False))


@dues_first.ask("offer")
async def ask_dues(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_DUES_FIRST.format(months=fmt.months(ctx.data["months"])),
        [
            Option("pay", texts.TRANSFER_PAY_NOW, texts.TRANSFER_PAY_NOW_WORDS),
            Option("later", texts.TRANSFER_PAY_LATER),
        ],
    )


@dues_first.on("offer")
async def on_dues(ctx: Ctx, key: str) -> Outcome:
    if key == "pay":
        return Switch("dues")
    return Done(texts.TRANSFER_PAY_LATER_DONE)


# -- the steps, shared by the new request and the fix of a returned one ---------------------


async def ask_case(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    text = texts.TRANSFER_CASE
    last = await transfer_views.last_closed(ctx.session, ctx.member.id)
    if last is not None:
        text = (
            f"{texts.TRANSFER_STATUS_DONE.format(state=texts.TRANSFER_STATE[last.status])}\n{text}"
        )
    return Ask(
        text,
        [
            Option("move", texts.TRANSFER_CASE_MOVE, texts.TRANSFER_CASE_MOVE_WORDS),
            Option("away", texts.TRANSFER_CASE_AWAY, texts.TRANSFER_CASE_AWAY_WORDS),
            Option("study", texts.TRANSFER_CASE_STUDY, texts.TRANSFER_CASE_STUDY_WORDS),
        ],
        help=texts.TRANSFER_HELP,
    )


async def on_case(ctx: Ctx, key: str) -> Outcome:
    if key == "move":
        ctx.data["kind"] = TransferKind.OFFICIAL
        return Goto("reason")
    return Goto("away_length" if key == "away" else "study_length")


async def ask_away_length(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_AWAY_LENGTH,
        [
            Option("short", texts.TRANSFER_UNDER_3),
            Option("temporary", texts.TRANSFER_3_TO_12),
            Option("long", texts.TRANSFER_OVER_12),
        ],
        help=texts.TRANSFER_HELP,
    )


async def ask_study_length(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_STUDY_LENGTH,
        [
            Option("short", texts.TRANSFER_UNDER_3),
            Option("temporary", texts.TRANSFER_3_TO_24),
            Option("long", texts.TRANSFER_OVER_24),
        ],
        help=texts.TRANSFER_HELP,
    )


def on_length(reason: TemporaryReason) -> AnswerFn:
    async def on(ctx: Ctx, key: str) -> Outcome:
        if key == "short":
            return Done(texts.TRANSFER_NOTHING_TO_DO)
        if key == "long":
            ctx.say(texts.TRANSFER_TOO_LONG_FOR_TEMPORARY)
            ctx.data["kind"] = TransferKind.OFFICIAL
            return Goto("reason")
        ctx.data["kind"] = TransferKind.TEMPORARY
        ctx.data["reason_code"] = reason
        return Goto("destination")

    return on


async def ask_reason(ctx: Ctx) -> Ask:
    if is_temporary(ctx):
        study = ctx.data["reason_code"] == TemporaryReason.STUDY
        return Ask(
            texts.TRANSFER_STUDY_PLACE if study else texts.TRANSFER_WORK_PLACE,
            parse=inputs.free_text(200),
        )
    return Ask(
        texts.TRANSFER_REASON,
        [Option(code, label, words) for code, (label, words) in OFFICIAL_REASONS.items()],
    )


async def on_reason(ctx: Ctx, answer: str) -> Outcome:
    if is_temporary(ctx):
        study = ctx.data["reason_code"] == TemporaryReason.STUDY
        ctx.data["reason"] = texts.TRANSFER_STUDY_REASON.format(what=answer) if study else answer
        return Goto("confirm")
    ctx.data["reason_code"] = answer
    ctx.data["reason"] = OFFICIAL_REASONS[OfficialReason(answer)][0]
    return then(ctx, "decision_date")


async def ask_decision_date(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_DECISION_DATE,
        parse=inputs.day,
        help=texts.TRANSFER_DECISION_HELP,
        placeholder="15/11/2026",
    )


async def on_decision_date(ctx: Ctx, decided: date) -> Outcome:
    today = ctx.local_now.date()
    check = start_check(decided, today, ctx.settings.transfer_start_working_days)
    if check.too_far_ahead:
        raise Invalid(texts.TRANSFER_DECISION_TOO_FAR)
    ctx.data["decision_date"] = decided.isoformat()
    if check.late:
        ctx.say(texts.TRANSFER_LATE_START.format(days=check.elapsed))
        return Goto("late_note")
    ctx.data.pop("late_note", None)
    return then(ctx, "destination")


async def ask_late_note(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_LATE_NOTE, parse=inputs.free_text(300))


async def on_late_note(ctx: Ctx, note: str) -> Outcome:
    ctx.data["late_note"] = note
    return then(ctx, "destination")


async def ask_destination(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_DESTINATION,
        parse=fmt.search_text(),
        help=texts.TRANSFER_DESTINATION_HELP,
        placeholder="P. Yên Hòa",
    )


async def found_or_not(ctx: Ctx, typed: str) -> Outcome:
    """Search the roster's chi bộ; show the matches, or say nothing was found."""
    matches = await org_search.search(ctx.session, typed)
    ctx.data["typed"] = typed
    ctx.data["matches"] = [
        [m.org_id, texts.TRANSFER_ORG_LABEL.format(name=m.name, parent=m.parent_name)]
        if m.parent_name
        else [m.org_id, m.name]
        for m in matches
    ]
    return Goto("pick" if matches else "not_found")


async def on_destination(ctx: Ctx, typed: fmt.Search) -> Outcome:
    return await found_or_not(ctx, typed.text)


async def ask_pick(ctx: Ctx) -> Ask:
    options = [Option(org_key(org_id), label) for org_id, label in ctx.data.get("matches", [])]
    options.append(Option(OUTSIDE_KEY, texts.TRANSFER_NOT_LISTED, texts.TRANSFER_NOT_LISTED_WORDS))
    return Ask(texts.TRANSFER_PICK, options, parse=fmt.search_text())


async def on_pick(ctx: Ctx, answer: str | fmt.Search) -> Outcome:
    if isinstance(answer, fmt.Search):
        return await found_or_not(ctx, answer.text)
    if answer == OUTSIDE_KEY:
        return Goto("outside")
    org_id = int(answer.removeprefix("org:"))
    assert ctx.member is not None
    try:
        await transfers.check_destination(ctx.session, ctx.member, org_id)
    except transfers.Refused as refused:
        raise Invalid(REFUSALS[refused.reason]) from None
    ctx.data["to_org_id"], ctx.data["to_text"] = org_id, None
    ctx.data["to_label"] = (await directory.organisation(ctx.session, org_id)).name
    return after_destination(ctx)


def after_destination(ctx: Ctx) -> Goto:
    if is_temporary(ctx):
        return then(ctx, "start_date")
    return Goto("confirm")


async def ask_not_found(ctx: Ctx) -> Ask:
    return Ask(
        texts.TRANSFER_NOT_FOUND.format(typed=ctx.data.get("typed", "")),
        [Option(OUTSIDE_KEY, texts.TRANSFER_WRITE_DESTINATION, texts.TRANSFER_NOT_LISTED_WORDS)],
        parse=fmt.search_text(),
    )


async def ask_outside(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_OUTSIDE, parse=inputs.free_text(200))


async def on_outside(ctx: Ctx, typed: str) -> Outcome:
    ctx.data["to_org_id"], ctx.data["to_text"] = None, typed
    ctx.data["to_label"] = typed
    return after_destination(ctx)


async def ask_start_date(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_START_DATE, parse=inputs.day, placeholder="01/01/2027")


async def on_start_date(ctx: Ctx, start: date) -> Outcome:
    today = ctx.local_now.date()
    if start < today - timedelta(days=START_PAST_DAYS):
        raise Invalid(texts.TRANSFER_START_PAST)
    if start > today + timedelta(days=START_AHEAD_DAYS):
        raise Invalid(texts.TRANSFER_START_TOO_FAR)
    ctx.data["start"] = start.isoformat()
    return Goto("end_date")


async def ask_end_date(ctx: Ctx) -> Ask:
    return Ask(texts.TRANSFER_END_DATE, parse=inputs.day)


async def on_end_date(ctx: Ctx, end: date) -> Outcome:
    start = date.fromisoformat(ctx.data["start"])
    reason = TemporaryReason(ctx.data["reason_code"])
    problem = stay_problem(reason, start, end)
    if problem == StayProblem.END_BEFORE_START:
        raise Invalid(texts.TRANSFER_END_BEFORE_START.format(start=fmt.day(start)))
    if problem == StayProblem.TOO_SHORT:
        return Done(texts.TRANSFER_NOTHING_TO_DO)
    if problem == StayProblem.TOO_LONG:
        message = (
            texts.TRANSFER_TOO_LONG_STUDY
            if reason == TemporaryReason.STUDY
            else texts.TRANSFER_TOO_LONG_WORK
        )
        raise Invalid(message.format(last=fmt.day(longest_end(reason, start))))
    ctx.data["end"] = end.isoformat()
    return then(ctx, "reason")


async def ask_confirm(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    data = ctx.data
    home = await directory.organisation(ctx.session, ctx.member.official_org_id)
    to = data["to_label"]
    if data.get("to_org_id") is None:
        to = texts.TRANSFER_OUTSIDE_MARK.format(to=to)
    if is_temporary(ctx):
        text = texts.TRANSFER_CONFIRM_TEMPORARY.format(
            from_=home.name,
            to=to,
            reason=data["reason"],
            start=fmt.day(data["start"]),
            end=fmt.day(data["end"]),
        )
    else:
        late = data.get("late_note")
        text = texts.TRANSFER_CONFIRM_OFFICIAL.format(
            from_=home.name,
            to=to,
            reason=data["reason"],
            date=fmt.day(data["decision_date"]),
            late=texts.TRANSFER_CONFIRM_LATE.format(note=late) if late else "",
        )
    return Ask(
        text,
        [
            Option("send", texts.TRANSFER_SEND, texts.TRANSFER_SEND_WORDS),
            Option("destination", texts.TRANSFER_EDIT_DESTINATION),
            Option("dates", texts.TRANSFER_EDIT_DATES),
            Option("reason", texts.TRANSFER_EDIT_REASON),
        ],
    )


def draft_of(data: dict[str, Any]) -> transfers.Draft:
    def day(key: str) -> date | None:
        return date.fromisoformat(data[key]) if data.get(key) else None

    return transfers.Draft(
        kind=TransferKind(data["kind"]),
        reason_code=data["reason_code"],
        reason=data["reason"],
        to_org_id=data.get("to_org_id"),
        to_text=data.get("to_text"),
        decision_date=day("decision_date"),
        late_start_note=data.get("late_note"),
        start_date=day("start"),
        end_date=day("end"),
    )


async def on_confirm(ctx: Ctx, key: str) -> Outcome:
    if key != "send":
        ctx.data["editing"] = True
        if key == "dates":
            return Goto("start_date" if is_temporary(ctx) else "decision_date")
        return Goto(key)
    member = ctx.member
    assert member is not None
    draft = draft_of(ctx.data)
    try:
        if ctx.data.get("resubmit"):
            transfer = await transfers.resubmit(
                ctx.session, ctx.data["resubmit"], member, draft, ctx.now, ctx.settings
            )
        else:
            transfer = await transfers.submit(ctx.session, member, draft, ctx.now, ctx.settings)
    except transfers.Refused as refused:
        if refused.reason == transfers.Refusal.OPEN_TRANSFER:
            return Done(texts.TRANSFER_HAS_OPEN)
        raise Invalid(REFUSALS[refused.reason]) from None
    except transfers.Blocked as blocked:
        return Done(blocked_text(blocked))
    waiting = await transfers.pending_step(ctx.session, transfer)
    assert waiting is not None
    org = (await directory.organisation(ctx.session, waiting.org_id)).name
    sent = texts.TRANSFER_RESENT if ctx.data.get("resubmit") else texts.TRANSFER_SENT
    return Done(sent.format(org=org))


def blocked_text(blocked: transfers.Blocked) -> str:
    for blocker in blocked.blockers:
        if blocker.kind == "flag":
            return texts.TRANSFER_FLAGGED
    months = [m for b in blocked.blockers for m in b.months]
    return texts.TRANSFER_DUES_FIRST.format(months=fmt.months(months))


REFUSALS = {
    transfers.Refusal.SAME_CELL: texts.TRANSFER_SAME_CELL,
    transfers.Refusal.NOT_A_CELL: texts.TRANSFER_NOT_A_CELL,
    transfers.Refusal.NO_DESTINATION: texts.TRANSFER_DESTINATION,
    transfers.Refusal.NO_DATE: texts.BAD_DATE,
    transfers.Refusal.DECISION_TOO_FAR: texts.TRANSFER_DECISION_TOO_FAR,
    transfers.Refusal.LATE_WITHOUT_NOTE: texts.TRANSFER_LATE_NOTE,
    transfers.Refusal.END_BEFORE_START: texts.TRANSFER_END_DATE,
    transfers.Refusal.TOO_SHORT: texts.TRANSFER_NOTHING_TO_DO,
    transfers.Refusal.TOO_LONG: texts.TRANSFER_END_DATE,
    transfers.Refusal.WRONG_STATUS: texts.TRANSFER_GONE,
    transfers.Refusal.OPEN_TRANSFER: texts.TRANSFER_HAS_OPEN,
    transfers.Refusal.NOT_LONGER: texts.TRANSFER_GONE,
    transfers.Refusal.EXTENSION_PENDING: texts.TRANSFER_EXTEND_PENDING,
}

STEPS: list[tuple[str, AskFn, AnswerFn | None]] = [
    ("case", ask_case, on_case),
    ("away_length", ask_away_length, on_length(TemporaryReason.WORK)),
    ("study_length", ask_study_length, on_length(TemporaryReason.STUDY)),
    ("reason", ask_reason, on_reason),
    ("decision_date", ask_decision_date, on_decision_date),
    ("late_note", ask_late_note, on_late_note),
    ("destination", ask_destination, on_destination),
    ("pick", ask_pick, on_pick),
    ("not_found", ask_not_found, on_pick),
    ("outside", ask_outside, on_outside),
    ("start_date", ask_start_date, on_start_date),
    ("end_date", ask_end_date, on_end_date),
    ("confirm", ask_confirm, on_confirm),
]


def register(dialog: Dialog, first: str | None = None) -> None:
    ordered = sorted(STEPS, key=lambda step: step[0] != first) if first else STEPS
    for name, ask, on in ordered:
        dialog.ask(name)(ask)
        if on is not None:
            dialog.on(name)(on)


register(request)
register(fix, first="confirm")
