"""The approvals inbox ("Việc cần duyệt") and the prompts that reach approvers.

Each procedure registers an `ApprovalKind` (how its requests read, which buttons they have) and
an action handler per button under "<kind>.<action>". The same handlers serve a button pressed on
a pushed prompt (Telegram) and a choice made here in the inbox (every channel).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    Switch,
    with_role,
)
from partybot.dialogs.model import Choice, Reply
from partybot.services import approvals
from partybot.storage.models import Approval, RoleKind

Params = dict[str, Any]


@dataclass(frozen=True)
class ApprovalKind:
    kind: str
    title: Callable[[Params], str]  # one line in the inbox list
    detail: Callable[[Params], str]  # the full prompt
    actions: dict[str, str]  # action -> button label, in order


KINDS: dict[str, ApprovalKind] = {}


def approval_kind(kind: ApprovalKind) -> ApprovalKind:
    KINDS[kind.kind] = kind
    return kind


def _prompt(params: Params, lead: str = "") -> Reply:
    kind = KINDS[params["kind"]]
    body = kind.detail(params)
    text = f"{lead}\n{body}" if lead else body
    actions = [Choice(kind.actions[action], payload=token) for action, token in params["tokens"]]
    return Reply(f"{text}\n{texts.APPROVAL_HINT}", actions=actions)


@REGISTRY.notice("approval.prompt")
def approval_prompt(params: Params) -> Reply:
    return _prompt(params)


@REGISTRY.notice("approval.reminder")
def approval_reminder(params: Params) -> Reply:
    return _prompt(params, texts.APPROVAL_REMINDER)


@REGISTRY.notice("approval.escalated")
def approval_escalated(params: Params) -> Reply:
    since = datetime.fromisoformat(params["since"]).strftime("%d/%m/%Y")
    return Reply(
        texts.APPROVAL_ESCALATED.format(
            title=KINDS[params["kind"]].title(params),
            org=params["org"],
            since=since,
            approvers=", ".join(params["approvers"]) or texts.NOBODY,
        )
    )


inbox = REGISTRY.dialog(Dialog("approvals", texts.APPROVALS_TITLE, resumable=False))
APPROVER_MENU_ROLES = (
    RoleKind.SECRETARY,
    RoleKind.DEPUTY_SECRETARY,
    RoleKind.TREASURER,
    RoleKind.COMMITTEE_OFFICER,
    RoleKind.ADMIN,
)


async def open_inbox(ctx: Ctx) -> Outcome:
    assert ctx.member is not None
    if not await approvals.inbox(ctx.session, ctx.member.id):
        return Done(texts.APPROVALS_NONE)
    return Switch("approvals", {"opened": True})


REGISTRY.menu_entry(
    MenuEntry(
        "approvals",
        texts.APPROVALS_TITLE,
        with_role(*APPROVER_MENU_ROLES),
        order=10,
        synonyms=("can duyet", "duyet", "viec cho", "phe duyet"),
        run=open_inbox,
        intents=("approvals",),
    )
)


async def _mine(ctx: Ctx, approval_id: int) -> Approval:
    assert ctx.member is not None
    approval = await ctx.session.get(Approval, approval_id)
    if (
        approval is None
        or approval.status != "pending"
        or not await approvals.can_act(ctx.session, ctx.member.id, approval)
    ):
        raise Invalid(texts.APPROVALS_GONE)
    return approval


@inbox.ask("list")
async def ask_list(ctx: Ctx) -> Ask:
    assert ctx.member is not None
    waiting = [a for a in await approvals.inbox(ctx.session, ctx.member.id) if a.kind in KINDS]
    options = [Option(str(a.id), KINDS[a.kind].title(a.params)) for a in waiting]
    text = texts.APPROVALS_PICK.format(count=len(options)) if options else texts.APPROVALS_NONE
    return Ask(text, options)


@inbox.on("list")
async def on_list(ctx: Ctx, approval_id: str) -> Outcome:
    await _mine(ctx, int(approval_id))
    ctx.data["approval_id"] = int(approval_id)
    return Goto("item")


@inbox.ask("item")
async def ask_item(ctx: Ctx) -> Ask:
    approval = await ctx.session.get(Approval, ctx.data["approval_id"])
    assert approval is not None
    kind = KINDS[approval.kind]
    return Ask(
        kind.detail(approval.params),
        [Option(action, label) for action, label in kind.actions.items()],
    )


@inbox.on("item")
async def on_item(ctx: Ctx, action: str) -> Outcome:
    approval = await _mine(ctx, ctx.data["approval_id"])
    handler = ctx.registry.actions[f"{approval.kind}.{action}"]
    return await handler(ctx, approval.subject_id)
