"""Asking for a residence review: the member's own request, or their workplace secretary's.

The member confirms the cells the roster holds (a wrong one goes to their secretary as a note),
picks the year and may add a note; after a summary the request goes to the residence cell's
approvers and the member is told to whom. A workplace secretary gets a small desk first: ask for
a member of their cell, for themselves, or see the year's requests (with the Excel list).
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs import inputs, texts
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
    everyone,
)
from partybot.dialogs.model import Attachment, Reply
from partybot.dialogs.review_documents import (
    XLSX_TYPE,
    day,
    join_names,
    review_filename,
    review_pdf,
    review_sheet,
    state_line,
)
from partybot.services import directory, files, reviews
from partybot.services.reviews import Ineligible, Refusal, ReviewRefused
from partybot.storage.models import Member, ReviewRequest, ReviewStatus

NOTE_LIMIT = 500
RIGHT_WORDS = ("dung a", "dung roi a", "da dung", "dung vay", "chinh xac", "u dung roi", "dung het")
WRONG_WORDS = ("sai", "sai roi", "chua dung", "chua dung a", "khong dung", "khong dung a", "khong")
STATUS_LINES = 12  # the rest is in the attached Excel file (Zalo takes 2,000 characters)

review = REGISTRY.dialog(Dialog("review", texts.REVIEW_TITLE, help=texts.REVIEW_HELP))
desk = REGISTRY.dialog(
    Dialog("review_desk", texts.REVIEW_TITLE, help=texts.REVIEW_HELP, resumable=False)
)


# -- who may ask, and what they are told when they cannot ----------------------------------------


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _who(ctx: Ctx, target: Member) -> str:
    if ctx.member is not None and target.id == ctx.member.id:
        return texts.REVIEW_SELF
    return texts.REVIEW_OTHER.format(name=target.full_name)


async def _who_to_ask(session: AsyncSession, member: Member) -> str:
    """The member's workplace secretary, named, for "who to ask" in a refusal."""
    for person in await reviews.workplace_secretaries(session, member):
        held = await reviews.role_over(session, person.id, member.official_org_id)
        if person.id != member.id and held is not None:
            role, org = held
            return texts.REVIEW_WHO_TO_ASK.format(
                name=person.full_name, role=texts.REVIEW_ROLE[role].lower(), cell=org.name
            )
    return texts.REVIEW_WHO_TO_ASK_NOBODY


async def approvers_text(session: AsyncSession, request: ReviewRequest) -> str:
    residence = await directory.organisation(session, request.residence_org_id)
    names = [
        texts.REVIEW_APPROVER.format(
            name=person.full_name, role=texts.REVIEW_ROLE[role], cell=residence.name
        )
        for person, role in await reviews.approvers(session, request)
    ]
    return join_names(names) or texts.REVIEW_WHO_TO_ASK_NOBODY


async def refusal_reply(ctx: Ctx, refused: ReviewRefused, target: Member) -> Done:
    """One clear sentence on why not, and who to ask (with the document when already signed)."""
    assert ctx.member is not None
    session, who = ctx.session, _who(ctx, target)
    request = refused.request
    if refused.refusal == Refusal.INELIGIBLE:
        template = {
            Ineligible.NO_RESIDENCE: texts.REVIEW_NO_RESIDENCE,
            Ineligible.RETIRED: texts.REVIEW_RETIRED,
            Ineligible.SAME_CELL: texts.REVIEW_SAME_CELL,
        }[refused.ineligible or Ineligible.NO_RESIDENCE]
        text = _sentence(template.format(who=who, ask=await _who_to_ask(session, target)))
        if target.id == ctx.member.id and ctx.has_role(*directory.APPROVER_ROLES):
            text = f"{text}\n{texts.REVIEW_WRITE_HINT}"  # a residence secretary looking to write
        return Done(text)
    if refused.refusal == Refusal.NOT_ALLOWED or request is None:
        return Done(texts.REVIEW_NOT_YOURS)
    if refused.refusal == Refusal.SIGNED and request.decided_at is not None:
        residence = await directory.organisation(session, request.residence_org_id)
        pdf = await review_pdf(session, request, ctx.settings.review_document_place)
        stored = await reviews.store_document(
            session, request, pdf, review_filename(request, target), ctx.now
        )
        return Done(
            texts.REVIEW_ALREADY_SIGNED.format(
                residence=residence.name, who=who, year=request.year, date=day(request.decided_at)
            ),
            [Attachment(stored.token, stored.filename, is_image=False)],
        )
    return Done(
        texts.REVIEW_WAITING.format(
            year=request.year,
            who=who,
            date=day(request.requested_at),
            approvers=await approvers_text(session, request),
        )
    )


async def precheck(ctx: Ctx, target: Member) -> Done | None:
    """Stop before any question when the answer is already known: not eligible, or already asked."""
    reason = reviews.ineligibility(target)
    if reason is not None:
        return await refusal_reply(
            ctx, ReviewRefused(Refusal.INELIGIBLE, ineligible=reason), target
        )
    open_request = await reviews.waiting(ctx.session, target.id)
    if open_request is not None:
        return await refusal_reply(ctx, ReviewRefused(Refusal.OPEN, open_request), target)
    signed = await reviews.current(ctx.session, target.id, ctx.local_now.year)
    if signed is not None:
        return await refusal_reply(ctx, ReviewRefused(Refusal.SIGNED, signed), target)
    return None


async def start(ctx: Ctx) -> Outcome:
    """The menu entry: a workplace secretary gets the desk, a member their own request."""
    assert ctx.member is not None
    if await reviews.requestable_members(ctx.session, ctx.member.id):
        return Switch("review_desk")
    return await precheck(ctx, ctx.member) or Switch("review")


REGISTRY.menu_entry(
    MenuEntry(
        "review",
        texts.REVIEW_TITLE,
        everyone,
        order=30,
        synonyms=("nhan xet", "xin nhan xet", "noi cu tru", "nhan xet cu tru", "213"),
        run=start,
        intents=("review",),
    )
)


# -- the request ---------------------------------------------------------------------------------


async def _target(ctx: Ctx) -> Member:
    """Whom the request is for: the member, unless their secretary picked someone."""
    assert ctx.member is not None
    member_id = ctx.data.get("member_id", ctx.member.id)
    return await directory.member(ctx.session, member_id)


async def _cells(ctx: Ctx, target: Member) -> tuple[str, str]:
    workplace = await directory.organisation(ctx.session, target.official_org_id)
    residence = (
        (await directory.organisation(ctx.session, target.residence_org_id)).name
        if target.residence_org_id
        else texts.NONE_VALUE
    )
    return residence, workplace.name


@review.ask("cells")
async def ask_cells(ctx: Ctx) -> Ask:
    target = await _target(ctx)
    residence, workplace = await _cells(ctx, target)
    return Ask(
        texts.REVIEW_ASK_CELLS.format(
            who=_who(ctx, target), residence=residence, workplace=workplace
        ),
        [
            Option("yes", texts.REVIEW_CELLS_RIGHT, (*texts.YES_WORDS, *RIGHT_WORDS)),
            Option("no", texts.REVIEW_CELLS_WRONG, WRONG_WORDS),
        ],
        help=texts.REVIEW_HELP,
    )


@review.on("cells")
async def on_cells(ctx: Ctx, key: str) -> Outcome:
    if key == "no":
        return Goto("wrong")
    stop = await precheck(ctx, await _target(ctx))
    return stop or Goto("year")


@review.ask("wrong")
async def ask_wrong(ctx: Ctx) -> Ask:
    return Ask(texts.REVIEW_ASK_WRONG, parse=inputs.free_text(NOTE_LIMIT))


@review.on("wrong")
async def on_wrong(ctx: Ctx, text: str) -> Outcome:
    assert ctx.member is not None
    told = await reviews.report_wrong_cells(
        ctx.session, await _target(ctx), text, ctx.member, ctx.now
    )
    if not told:
        return Done(texts.REVIEW_WRONG_SELF)
    names = join_names([texts.REVIEW_OTHER.format(name=p.full_name) for p in told])
    return Done(texts.REVIEW_WRONG_SENT.format(names=names))


@review.ask("year")
async def ask_year(ctx: Ctx) -> Ask:
    this = ctx.local_now.year
    return Ask(
        texts.REVIEW_ASK_YEAR,
        [
            Option(str(year), texts.REVIEW_YEAR.format(year=year), (str(year),))
            for year in (this, this - 1)
        ],
        help=texts.REVIEW_YEAR_HELP,
    )


@review.on("year")
async def on_year(ctx: Ctx, key: str) -> Outcome:
    ctx.data["year"] = int(key)
    return Goto("note")


@review.ask("note")
async def ask_note(ctx: Ctx) -> Ask:
    return Ask(
        texts.REVIEW_ASK_NOTE,
        [Option("none", texts.REVIEW_NO_NOTE, ("khong", "khong co", "khong can", "ko"))],
        parse=inputs.free_text(NOTE_LIMIT),
    )


@review.on("note")
async def on_note(ctx: Ctx, answer: str) -> Outcome:
    ctx.data["note"] = "" if answer == "none" else answer
    return Goto("confirm")


@review.ask("confirm")
async def ask_confirm(ctx: Ctx) -> Ask:
    target = await _target(ctx)
    residence, workplace = await _cells(ctx, target)
    return Ask(
        texts.REVIEW_CONFIRM.format(
            name=target.full_name,
            residence=residence,
            workplace=workplace,
            year=ctx.data["year"],
            note=ctx.data.get("note") or texts.REVIEW_NO_NOTE,
        ),
        [
            Option("send", texts.REVIEW_SEND, ("gui", "gui di", *texts.YES_WORDS)),
            Option("edit", texts.REVIEW_EDIT, ("sua",)),
        ],
    )


@review.on("confirm")
async def on_confirm(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    if key == "edit":
        return Goto("year")
    target = await _target(ctx)
    try:
        request = await reviews.submit(
            ctx.session, target, ctx.data["year"], ctx.data.get("note", ""), ctx.member, ctx.now
        )
    except ReviewRefused as refused:
        return await refusal_reply(ctx, refused, target)
    residence, workplace = await _cells(ctx, target)
    if not await reviews.approvers(ctx.session, request):
        return Done(texts.REVIEW_SENT_OFFICE.format(residence=residence, number=request.id))
    return Done(
        texts.REVIEW_SENT.format(
            approvers=await approvers_text(ctx.session, request),
            who=_who(ctx, target),
            workplace=workplace,
            number=request.id,
        )
    )


# -- the workplace secretary's desk ----------------------------------------------------------------


@desk.ask("what")
async def ask_what(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    options = []
    if await _others(ctx):
        options.append(
            Option("member", texts.REVIEW_DESK_FOR_MEMBER, ("dang vien", "cho dang vien"))
        )
    if reviews.ineligibility(ctx.member) is None:
        options.append(Option("self", texts.REVIEW_DESK_FOR_SELF, ("ban than", "cho toi")))
    status = texts.REVIEW_DESK_STATUS.format(year=ctx.local_now.year)
    options.append(Option("status", status, ("tinh hinh", "xem", "theo doi", "excel")))
    return Ask(texts.REVIEW_DESK_ASK, options, help=texts.REVIEW_HELP)


@desk.on("what")
async def on_what(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    if key == "member":
        return Goto("pick")
    if key == "self":
        return await precheck(ctx, ctx.member) or Switch("review", {"member_id": ctx.member.id})
    return await status_reply(ctx)


async def _others(ctx: Ctx) -> list[Member]:
    """The working members of the secretary's cells, other than the secretary."""
    assert ctx.member is not None
    members = await reviews.requestable_members(ctx.session, ctx.member.id)
    return [m for m in members if m.id != ctx.member.id]


@desk.ask("pick")
async def ask_pick(ctx: Ctx) -> Ask:
    members = await _others(ctx)
    if not members:
        return Ask(texts.REVIEW_PICK_NONE)
    return Ask(texts.REVIEW_PICK_MEMBER, [Option(str(m.id), m.full_name) for m in members])


@desk.on("pick")
async def on_pick(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    target = await directory.member(ctx.session, int(key))
    if not await reviews.can_request_for(ctx.session, ctx.member.id, target):
        raise Invalid(texts.REVIEW_NOT_YOURS)
    return await precheck(ctx, target) or Switch("review", {"member_id": target.id})


async def status_reply(ctx: Ctx) -> Done:
    """The year's requests of the secretary's cells: a short list here, all of them in Excel."""
    assert ctx.member is not None
    year = ctx.local_now.year
    org_ids = await reviews.managed_workplaces(ctx.session, ctx.member.id)
    rows = await reviews.report(ctx.session, org_ids, year)
    if not rows:
        return Done(texts.REVIEW_STATUS_EMPTY.format(year=year))
    count = {status: 0 for status in ReviewStatus}
    for row in rows:
        count[ReviewStatus(row.request.status)] += 1
    lines = [
        texts.REVIEW_STATUS_HEAD.format(
            year=year,
            total=len(rows),
            signed=count[ReviewStatus.SIGNED],
            waiting=count[ReviewStatus.REQUESTED],
            declined=count[ReviewStatus.DECLINED],
        )
    ]
    lines += [
        texts.REVIEW_STATUS_LINE.format(
            name=row.member.full_name, residence=row.residence, status=state_line(row.request)
        )
        for row in rows[:STATUS_LINES]
    ]
    if len(rows) > STATUS_LINES:
        lines.append(texts.REVIEW_STATUS_MORE.format(count=len(rows) - STATUS_LINES))
    cell = await directory.organisation(ctx.session, ctx.member.official_org_id)
    sheet = review_sheet(rows, texts.EXPORT_REVIEW_TITLE.format(year=year, org=cell.name))
    stored = await files.store(
        ctx.session,
        sheet,
        texts.EXPORT_REVIEW_FILE.format(org=cell.code, year=year),
        XLSX_TYPE,
        ctx.now,
        member_id=ctx.member.id,
    )
    return Done("\n".join(lines), [Attachment(stored.token, stored.filename, is_image=False)])


# -- notices about requests ----------------------------------------------------------------------


@REGISTRY.notice("review.requested_for_you")
def requested_for_you(params: dict[str, Any]) -> Reply:
    return Reply(texts.REVIEW_FOR_YOU.format(by=params["by"], year=params["year"]))


@REGISTRY.notice("review.cells_wrong")
def cells_wrong(params: dict[str, Any]) -> Reply:
    return Reply(
        texts.REVIEW_CELLS_WRONG_NOTICE.format(
            name=params["name"],
            phone=params["phone"] or texts.NONE_VALUE,
            text=params["text"],
            residence=params["residence"] or texts.NONE_VALUE,
            workplace=params["workplace"],
        )
    )
