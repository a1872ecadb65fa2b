"""The residence secretary's side: the prompt, the short form, the signature, or "not yet".

"Viết nhận xét" opens the form: each configured duty answered Tốt / Chưa tốt / Không rõ, whether
the Front committee was consulted, free comments, a summary and "Ký xác nhận". Every question
starts with whose review it is, since a secretary may have several waiting. Each answer is also
saved as a draft on the request, so pressing the prompt's button again, coming back through the
inbox, or switching to another request and back continues where the secretary stopped.

The first step, "start", stands in for whichever stage the form is entered at (the first
unanswered one when a draft exists), so a resumed form asks the right question at once.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from partybot.dialogs import texts
from partybot.dialogs.approvals import KINDS, ApprovalKind, approval_kind
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
    Stay,
    Switch,
)
from partybot.dialogs.model import Attachment, Reply
from partybot.dialogs.review_documents import clock_time, join_names, review_filename, review_pdf
from partybot.services import approvals, directory, reviews
from partybot.services.reviews import Answer, Duty, Refusal, ReviewRefused
from partybot.services.textnorm import fold
from partybot.storage.models import ReviewRequest

LONG_TEXT = 60  # a message this long at the summary is more comments, never a command
REASON_LIMIT = 500
SHORT_DUTY = 42
PREVIEW = 120
NO_COMMENT_WORDS = {"khong", "ko", "khong co", "khong co gi", "khong co y kien", "khong them"}
KEEP_WORDS = {"giu nguyen", "giu", "giu lai", "nhu cu"}

form = REGISTRY.dialog(Dialog("review_form", texts.REVIEW_FORM_TITLE, help=texts.REVIEW_FORM_HELP))


def _detail(params: dict[str, Any]) -> str:
    note = texts.REVIEW_APPROVAL_NOTE.format(note=params["note"]) if params.get("note") else ""
    return texts.REVIEW_APPROVAL_DETAIL.format(
        year=params["year"],
        name=params["name"],
        birth_year=params.get("birth_year") or texts.REVIEW_UNKNOWN_YEAR,
        residence=params["residence"],
        workplace=params["workplace"],
        note=note,
    )


approval_kind(
    ApprovalKind(
        reviews.KIND,
        title=lambda p: texts.REVIEW_APPROVAL_TITLE.format(
            name=p["name"], workplace=p["workplace"], year=p["year"]
        ),
        detail=_detail,
        actions={"write": texts.REVIEW_ACTION_WRITE, "decline": texts.REVIEW_ACTION_DECLINE},
    )
)


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _duties(ctx: Ctx) -> tuple[Duty, ...]:
    return reviews.load_duties(ctx.settings.review_duties_file)


def duty_step(index: int) -> str:
    return f"duty{index + 1}"


async def refused_reply(ctx: Ctx, refused: ReviewRefused) -> Done:
    request = refused.request
    if refused.refusal == Refusal.NOT_ALLOWED:
        return Done(texts.REVIEW_NOT_YOURS)
    if refused.refusal == Refusal.OWN:
        return Done(texts.REVIEW_OWN)
    if request is None or request.decided_at is None:
        return Done(texts.REVIEW_GONE)
    member = await directory.member(ctx.session, request.member_id)
    return Done(
        texts.REVIEW_HANDLED.format(
            name=member.full_name, by=request.signer_name, time=clock_time(request.decided_at)
        )
    )


async def _guard(ctx: Ctx) -> ReviewRequest | Done:
    """The request if this secretary may still answer it, else the reply saying why not."""
    assert ctx.member is not None
    try:
        return await reviews.writable(ctx.session, ctx.data["request_id"], ctx.member.id)
    except ReviewRefused as refused:
        return await refused_reply(ctx, refused)


async def _form_data(ctx: Ctx, request: ReviewRequest, draft: dict[str, Any]) -> dict[str, Any]:
    member = await directory.member(ctx.session, request.member_id)
    workplace = await directory.organisation(ctx.session, request.workplace_org_id)
    return {
        "request_id": request.id,
        "head": texts.REVIEW_HEAD.format(
            name=member.full_name, workplace=workplace.name, year=request.year
        ),
        "workplace": workplace.name,
        "answers": dict(draft.get("answers", {})),
        "front": draft.get("front"),
        "comments": draft.get("comments"),
    }


def _entry(duties: tuple[Duty, ...], data: dict[str, Any]) -> str:
    """The first stage still unanswered."""
    for index, duty in enumerate(duties):
        if duty.code not in data["answers"]:
            return duty_step(index)
    if data.get("front") is None:
        return "front"
    if data.get("comments") is None:
        return "comments"
    return "summary"


@REGISTRY.action("review.write")
async def write(ctx: Ctx, request_id: int) -> Outcome:
    assert ctx.member is not None
    try:
        request = await reviews.writable(ctx.session, request_id, ctx.member.id)
    except ReviewRefused as refused:
        return await refused_reply(ctx, refused)
    draft = await reviews.opened(ctx.session, request, ctx.member.id, ctx.now)
    data = await _form_data(ctx, request, draft)
    duties = _duties(ctx)
    data["entry"] = _entry(duties, data)
    done = sum(1 for duty in duties if duty.code in data["answers"])
    if data["entry"] != duty_step(0):
        ctx.say(texts.REVIEW_RESUMED.format(done=done, total=len(duties)))
    return Switch("review_form", data)


@REGISTRY.action("review.decline")
async def decline(ctx: Ctx, request_id: int) -> Outcome:
    assert ctx.member is not None
    try:
        request = await reviews.writable(ctx.session, request_id, ctx.member.id)
    except ReviewRefused as refused:
        return await refused_reply(ctx, refused)
    draft = await reviews.load_draft(ctx.session, request.id, ctx.member.id)
    return Switch("review_form", {**await _form_data(ctx, request, draft), "entry": "reason"})


async def _save(ctx: Ctx) -> None:
    assert ctx.member is not None
    draft = {key: ctx.data.get(key) for key in ("answers", "front", "comments")}
    await reviews.save_draft(ctx.session, ctx.data["request_id"], ctx.member.id, draft, ctx.now)


def _next(ctx: Ctx, stage: str) -> Goto:
    """After a stage: back to the summary when fixing one answer, else onwards."""
    if ctx.data.pop("fixing", False):
        return Goto("summary")
    order = [duty_step(i) for i in range(len(_duties(ctx)))] + ["front", "comments", "summary"]
    return Goto(order[order.index(stage) + 1])


# -- the stages ----------------------------------------------------------------------------------


async def ask_duty(ctx: Ctx, index: int) -> Ask:
    duties = _duties(ctx)
    duty = duties[index]
    previous = ctx.data["answers"].get(duty.code)
    return Ask(
        texts.REVIEW_DUTY.format(
            head=ctx.data["head"],
            index=index + 1,
            total=len(duties),
            text=duty.text,
            previous=texts.REVIEW_PREVIOUS.format(answer=texts.REVIEW_ANSWER[previous])
            if previous
            else "",
        ),
        [
            Option(Answer.GOOD, texts.REVIEW_ANSWER["good"], ("tot", "dat", "hoan thanh tot")),
            Option(Answer.POOR, texts.REVIEW_ANSWER["poor"], ("chua tot", "chua dat", "kem")),
            Option(Answer.UNKNOWN, texts.REVIEW_ANSWER["unknown"], ("khong ro", "khong biet")),
        ],
        help=texts.REVIEW_DUTY_HELP,
    )


async def on_duty(ctx: Ctx, index: int, answer: str) -> Outcome:
    request = await _guard(ctx)
    if isinstance(request, Done):
        return request
    ctx.data["answers"][_duties(ctx)[index].code] = answer
    await _save(ctx)
    return _next(ctx, duty_step(index))


async def ask_front(ctx: Ctx) -> Ask:
    front = ctx.data.get("front")
    previous = ""
    if front is not None:
        label = texts.REVIEW_FRONT_YES if front else texts.REVIEW_FRONT_NO
        previous = texts.REVIEW_PREVIOUS.format(answer=label)
    return Ask(
        texts.REVIEW_ASK_FRONT.format(head=ctx.data["head"], previous=previous),
        [
            Option("yes", texts.REVIEW_FRONT_YES, ("da", "roi", "co", "da trao doi roi")),
            Option("no", texts.REVIEW_FRONT_NO, ("chua", "khong")),
        ],
    )


async def on_front(ctx: Ctx, key: str) -> Outcome:
    request = await _guard(ctx)
    if isinstance(request, Done):
        return request
    ctx.data["front"] = key == "yes"
    await _save(ctx)
    return _next(ctx, "front")


def _comments_parser(limit: int, saved: bool) -> Callable[[str], tuple[str, str]]:
    def parse(text: str) -> tuple[str, str]:
        cleaned = text.strip()
        if not cleaned:
            raise Invalid(texts.TEXT_EMPTY)
        folded = fold(cleaned)
        if folded in NO_COMMENT_WORDS:
            return ("set", "")
        if saved and folded in KEEP_WORDS:
            return ("keep", "")
        if len(cleaned) > limit:
            raise Invalid(
                texts.REVIEW_COMMENTS_TOO_LONG.format(
                    length=_count(len(cleaned)), limit=_count(limit)
                )
            )
        return ("set", cleaned)

    return parse


async def ask_comments(ctx: Ctx) -> Ask:
    saved = ctx.data.get("comments")
    text = texts.REVIEW_ASK_COMMENTS.format(head=ctx.data["head"])
    if saved:
        text += texts.REVIEW_COMMENTS_KEPT.format(length=_count(len(saved)))
    return Ask(text, parse=_comments_parser(ctx.settings.review_comments_max_chars, bool(saved)))


async def on_comments(ctx: Ctx, answer: tuple[str, str]) -> Outcome:
    request = await _guard(ctx)
    if isinstance(request, Done):
        return request
    how, text = answer
    if how == "set":
        ctx.data["comments"] = text
    await _save(ctx)
    return _next(ctx, "comments")


def _more(text: str) -> tuple[str, str]:
    cleaned = text.strip()
    if len(cleaned) < LONG_TEXT:
        raise Invalid(texts.REVIEW_SUMMARY_PICK)
    return ("more", cleaned)


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


async def ask_summary(ctx: Ctx) -> Ask:
    duties = _duties(ctx)
    answers = ctx.data["answers"]
    lines = [
        texts.REVIEW_SUMMARY_LINE.format(
            index=index,
            text=_short(duty.text, SHORT_DUTY),
            answer=texts.REVIEW_ANSWER.get(answers.get(duty.code, ""), "?"),
        )
        for index, duty in enumerate(duties, start=1)
    ]
    comments = ctx.data.get("comments") or ""
    preview = (
        texts.REVIEW_COMMENTS_PREVIEW.format(
            start=_short(comments, PREVIEW), length=_count(len(comments))
        )
        if comments
        else texts.REVIEW_COMMENTS_NONE
    )
    front = ctx.data.get("front")
    return Ask(
        texts.REVIEW_SUMMARY.format(
            head=ctx.data["head"],
            answers="\n".join(lines),
            front=texts.REVIEW_FRONT_YES if front else texts.REVIEW_FRONT_NO,
            comments=preview,
        ),
        [
            Option("sign", texts.REVIEW_SIGN, ("ky", "ky ten", "xac nhan", "dong y")),
            Option("fix", texts.REVIEW_FIX, ("sua",)),
            Option("decline", texts.REVIEW_ACTION_DECLINE, ("chua the",)),
        ],
        parse=_more,
        help=texts.REVIEW_FORM_HELP,
    )


async def on_summary(ctx: Ctx, answer: str | tuple[str, str]) -> Outcome:
    request = await _guard(ctx)
    if isinstance(request, Done):
        return request
    typed = ctx.inbound.text.strip()
    if isinstance(answer, tuple) or len(typed) >= LONG_TEXT:
        return await _add_comments(ctx, typed if not isinstance(answer, tuple) else answer[1])
    if answer == "fix":
        return Goto("fix")
    if answer == "decline":
        return Goto("reason")
    return await _sign(ctx, request)


async def _add_comments(ctx: Ctx, more: str) -> Outcome:
    """A long comment split by the channel into several messages arrives here: keep all of it."""
    existing = ctx.data.get("comments") or ""
    joined = f"{existing}\n{more}" if existing else more
    limit = ctx.settings.review_comments_max_chars
    if len(joined) > limit:
        raise Invalid(
            texts.REVIEW_COMMENTS_TOO_LONG.format(length=_count(len(joined)), limit=_count(limit))
        )
    ctx.data["comments"] = joined
    await _save(ctx)
    return Stay(texts.REVIEW_COMMENTS_ADDED.format(length=_count(len(joined))))


async def _sign(ctx: Ctx, request: ReviewRequest) -> Outcome:
    assert ctx.member is not None
    duties = _duties(ctx)
    entry = _entry(duties, ctx.data)
    if entry != "summary":  # a draft from before the duty list changed: ask what is missing
        return Goto(entry)
    answers = [(duty, Answer(ctx.data["answers"][duty.code])) for duty in duties]
    try:
        signed = await reviews.sign(
            ctx.session,
            request.id,
            ctx.member,
            answers,
            bool(ctx.data["front"]),
            ctx.data["comments"],
            ctx.now,
        )
    except ReviewRefused as refused:
        return await refused_reply(ctx, refused)
    member = await directory.member(ctx.session, signed.member_id)
    pdf = await review_pdf(ctx.session, signed, ctx.settings.review_document_place)
    stored = await reviews.store_document(
        ctx.session, signed, pdf, review_filename(signed, member), ctx.now
    )
    told = await reviews.deliver(ctx.session, signed, stored, ctx.now)
    recipients = join_names([texts.REVIEW_OTHER.format(name=person.full_name) for person in told])
    return Done(
        texts.REVIEW_SIGNED.format(
            name=member.full_name, recipients=recipients, code=signed.verification_code
        ),
        [Attachment(stored.token, stored.filename, is_image=False)],
    )


async def ask_fix(ctx: Ctx) -> Ask:
    options = [
        Option(duty_step(index), texts.REVIEW_FIX_DUTY.format(index=index + 1))
        for index in range(len(_duties(ctx)))
    ]
    options += [
        Option("front", texts.REVIEW_FIX_FRONT, ("mat tran",)),
        Option("comments", texts.REVIEW_FIX_COMMENTS, ("y kien", "nhan xet chung")),
    ]
    return Ask(texts.REVIEW_ASK_FIX.format(head=ctx.data["head"]), options)


async def on_fix(ctx: Ctx, stage: str) -> Outcome:
    ctx.data["fixing"] = True
    return Goto(stage)


async def ask_reason(ctx: Ctx) -> Ask:
    return Ask(
        texts.REVIEW_ASK_REASON.format(head=ctx.data["head"]),
        [Option(reason, reason) for reason in texts.REVIEW_REASONS],
        parse=_reason,
    )


def _reason(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid(texts.TEXT_EMPTY)
    if len(cleaned) > REASON_LIMIT:
        raise Invalid(texts.TEXT_TOO_LONG.format(limit=REASON_LIMIT))
    return cleaned


async def on_reason(ctx: Ctx, reason: str) -> Outcome:
    request = await _guard(ctx)
    if isinstance(request, Done):
        return request
    ctx.data["reason"] = reason
    return Goto("decline")


async def ask_decline(ctx: Ctx) -> Ask:
    return Ask(
        texts.REVIEW_CONFIRM_DECLINE.format(
            head=ctx.data["head"], reason=ctx.data["reason"], workplace=ctx.data["workplace"]
        ),
        [Option("send", texts.REVIEW_DECLINE_SEND, ("gui", "dong y", "xac nhan"))],
    )


async def on_decline(ctx: Ctx, _key: str) -> Outcome:
    assert ctx.member is not None
    request = await _guard(ctx)
    if isinstance(request, Done):
        return request
    try:
        await reviews.decline(ctx.session, request.id, ctx.member, ctx.data["reason"], ctx.now)
    except ReviewRefused as refused:
        return await refused_reply(ctx, refused)
    member = await directory.member(ctx.session, request.member_id)
    return Done(
        texts.REVIEW_DECLINED_DONE.format(name=member.full_name, workplace=ctx.data["workplace"])
    )


# -- entering after the engine's "start over": pick which waiting request ------------------------


async def ask_pick(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    waiting = [
        a for a in await approvals.inbox(ctx.session, ctx.member.id) if a.kind == reviews.KIND
    ]
    if not waiting:
        return Ask(texts.REVIEW_PICK_REQUEST_NONE)
    kind = KINDS[reviews.KIND]
    return Ask(
        texts.REVIEW_PICK_REQUEST,
        [Option(str(a.subject_id), kind.title(a.params)) for a in waiting],
    )


async def on_pick(ctx: Ctx, key: str) -> Outcome:
    assert ctx.member is not None
    try:
        request = await reviews.writable(ctx.session, int(key), ctx.member.id)
    except ReviewRefused as refused:
        return await refused_reply(ctx, refused)
    await reviews.opened(ctx.session, request, ctx.member.id, ctx.now)
    ctx.data.update(await _form_data(ctx, request, {}), entry=duty_step(0))
    await _save(ctx)  # starting over: the old draft goes
    return Goto("start")


# -- registration: "start" first, then one step per stage ----------------------------------------

AskStage = Callable[[Ctx], Awaitable[Ask]]
OnStage = Callable[[Ctx, Any], Awaitable[Outcome]]
STAGES: dict[str, tuple[AskStage, OnStage]] = {
    "front": (ask_front, on_front),
    "comments": (ask_comments, on_comments),
    "summary": (ask_summary, on_summary),
    "fix": (ask_fix, on_fix),
    "reason": (ask_reason, on_reason),
    "decline": (ask_decline, on_decline),
}


def _duty_stage(index: int) -> tuple[AskStage, OnStage]:
    async def ask(ctx: Ctx) -> Ask:
        return await ask_duty(ctx, index)

    async def on(ctx: Ctx, answer: str) -> Outcome:
        return await on_duty(ctx, index, answer)

    return ask, on


for _index in range(reviews.MAX_DUTIES):
    STAGES[duty_step(_index)] = _duty_stage(_index)


def _stage(ctx: Ctx) -> tuple[AskStage, OnStage]:
    if "request_id" not in ctx.data:
        return ask_pick, on_pick
    return STAGES[ctx.data.get("entry", duty_step(0))]


@form.ask("start")
async def ask_start(ctx: Ctx) -> Ask:
    return await _stage(ctx)[0](ctx)


@form.on("start")
async def on_start(ctx: Ctx, answer: Any) -> Outcome:
    return await _stage(ctx)[1](ctx, answer)


for _name, (_ask, _on) in STAGES.items():
    form.ask(_name)(_ask)
    form.on(_name)(_on)


# -- what the workplace and the member receive ---------------------------------------------------


def _document(params: dict[str, Any]) -> list[Attachment]:
    return [Attachment(params["file_token"], params["filename"], is_image=False)]


def _signed_params(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "residence": params["residence"],
        "workplace": params["workplace"],
        "year": params["year"],
        "name": params["name"],
        "signer": params["signer"],
        "code": params["code"],
        "time": clock_time(datetime.fromisoformat(params["signed_at"])),
    }


@REGISTRY.notice("review.signed")
def signed_notice(params: dict[str, Any]) -> Reply:
    return Reply(
        texts.REVIEW_SIGNED_NOTICE.format(**_signed_params(params)),
        attachments=_document(params),
    )


@REGISTRY.notice("review.signed_member")
def signed_member_notice(params: dict[str, Any]) -> Reply:
    return Reply(
        texts.REVIEW_SIGNED_MEMBER.format(**_signed_params(params)),
        attachments=_document(params),
    )


def _declined_params(params: dict[str, Any]) -> dict[str, Any]:
    keys = ("by", "residence", "year", "name", "reason")
    return {key: params[key] for key in keys}


@REGISTRY.notice("review.declined")
def declined_notice(params: dict[str, Any]) -> Reply:
    return Reply(texts.REVIEW_DECLINED_NOTICE.format(**_declined_params(params)))


@REGISTRY.notice("review.declined_member")
def declined_member_notice(params: dict[str, Any]) -> Reply:
    return Reply(texts.REVIEW_DECLINED_MEMBER.format(**_declined_params(params)))
