"""A throw-away procedure that exercises every kind of step, registered only in tests."""

from dataclasses import replace
from datetime import date

from partybot.dialogs import inputs
from partybot.dialogs.flow import (
    REGISTRY,
    Ask,
    Ctx,
    Dialog,
    Done,
    Goto,
    MenuEntry,
    Option,
    Outcome,
    Registry,
    Stay,
    Switch,
    everyone,
)
from partybot.dialogs.model import Reply

form = Dialog("form", "Thủ tục mẫu")


@form.ask("kind")
async def ask_kind(ctx: Ctx) -> Ask:
    return Ask(
        "Bác muốn làm gì?",
        [
            Option("dues", "Nộp đảng phí", ("đóng đảng phí", "đóng tiền đảng")),
            Option("move", "Chuyển sinh hoạt"),
            Option("review", "Xin nhận xét nơi cư trú"),
        ],
        help="Chọn một việc.",
    )


@form.on("kind")
async def on_kind(ctx: Ctx, key: str) -> Outcome:
    ctx.data["kind"] = key
    return Goto("when")


@form.ask("when")
async def ask_when(ctx: Ctx) -> Ask:
    return Ask("Ngày nào ạ?", parse=inputs.day)


@form.on("when")
async def on_when(ctx: Ctx, day: date) -> Outcome:
    if day.year < 2000:
        return Stay("Ngày xa quá.")
    ctx.data["when"] = day.isoformat()
    return Goto("amount")


@form.ask("amount")
async def ask_amount(ctx: Ctx) -> Ask:
    return Ask("Bao nhiêu tiền?", parse=inputs.amount)


@form.on("amount")
async def on_amount(ctx: Ctx, value: int) -> Outcome:
    ctx.data["amount"] = value
    return Goto("note")


@form.ask("note")
async def ask_note(ctx: Ctx) -> Ask:
    return Ask("Ghi chú?", parse=inputs.free_text(200))


@form.on("note")
async def on_note(ctx: Ctx, note: str) -> Outcome:
    ctx.data["note"] = note
    return Done(f"Xong: {ctx.data['kind']} {ctx.data['when']} {ctx.data['amount']} «{note}»")


counter = Dialog("counter", "Đếm")


@counter.ask("count")
async def ask_count(ctx: Ctx) -> Ask:
    return Ask(f"Đã đếm {ctx.data.get('n', 0)}", parse=str)


@counter.on("count")
async def on_count(ctx: Ctx, _text: str) -> Outcome:
    ctx.data["n"] = ctx.data.get("n", 0) + 1
    return Goto("count")


def sample_kind() -> None:
    from partybot.dialogs.approvals import ApprovalKind, approval_kind

    approval_kind(
        ApprovalKind(
            "sample",
            title=lambda p: f"Yêu cầu mẫu của {p['name']}",
            detail=lambda p: f"Đồng chí {p['name']} xin duyệt việc mẫu.",
            actions={"approve": "Đồng ý"},
        )
    )


def registry_with_samples() -> Registry:
    """The real registry plus the sample dialogs, without touching the real one."""
    import partybot.dialogs.installed  # noqa: F401

    registry = replace(
        REGISTRY,
        dialogs=dict(REGISTRY.dialogs),
        menu=list(REGISTRY.menu),
        actions=dict(REGISTRY.actions),
        notices=dict(REGISTRY.notices),
    )
    sample_kind()
    registry.notice("test.note")(lambda params: Reply(params["text"]))  # outbox rows in tests
    registry.dialog(form)
    registry.dialog(counter)
    registry.menu_entry(
        MenuEntry("form", form.title, everyone, order=1, synonyms=("mau",), intents=("dues",))
    )
    registry.menu_entry(
        MenuEntry(
            "counter",
            counter.title,
            everyone,
            order=2,
            intents=("transfer", "transfer_official", "transfer_temporary"),
        )
    )

    @registry.action("sample.approve")
    async def approve_sample(ctx: Ctx, subject_id: int) -> Outcome:
        from partybot.services import approvals

        assert ctx.member is not None
        closed = await approvals.close(ctx.session, "sample", subject_id, ctx.member.id, ctx.now)
        return Done("Đã duyệt." if closed else "Yêu cầu này đã được xử lý.")

    @registry.action("sample.open")
    async def open_sample(ctx: Ctx, subject_id: int) -> Outcome:
        if subject_id == 0:
            return Done("Yêu cầu này đã được xử lý.")
        return Switch("form", {"opened_for": subject_id})

    return registry
