"""How a dialog is written: steps that ask one question and handle its answer.

A step is two functions. `ask(ctx) -> Ask` builds the question from the collected data and the
database; it must not change anything, because the engine calls it again to match each answer.
`on(ctx, answer) -> Outcome` receives the chosen option's key (or the parsed free input), may change
the domain through services, and says where to go next. Everything a step does commits in the same
transaction as the new conversation state; bad input raises `Invalid` and the step is asked again.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs.model import Attachment, Inbound, Reply
from partybot.services.directory import HeldRole
from partybot.settings import Settings
from partybot.storage.models import ChannelAccount, Member


class Invalid(Exception):
    """The answer cannot be used; the message (Vietnamese) tells the member why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    synonyms: Sequence[str] = ()


@dataclass
class Ask:
    text: str
    options: list[Option] = field(default_factory=list)
    parse: Callable[[str], Any] | None = None  # free input; raises Invalid on bad input
    help: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    request_contact: bool = False
    placeholder: str | None = None


@dataclass(frozen=True)
class Goto:
    step: str


@dataclass(frozen=True)
class Stay:
    """Ask the same step again after telling the member something (not counted as a failed try)."""

    message: str


@dataclass(frozen=True)
class Done:
    text: str
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Switch:
    dialog: str
    data: dict[str, Any] = field(default_factory=dict)


Outcome = Goto | Stay | Done | Switch


@dataclass
class Ctx:
    """What a step sees: the transaction, the person, the clock and its collected data."""

    session: AsyncSession
    settings: Settings
    now: datetime
    inbound: Inbound
    account: ChannelAccount
    member: Member | None
    roles: list[HeldRole]
    data: dict[str, Any]
    registry: "Registry"
    actor: Member | None = None  # who is typing: the member, or a helper acting for them
    said: list[Reply] = field(default_factory=list)

    @property
    def assisting(self) -> bool:
        return (
            self.actor is not None and self.member is not None and self.actor.id != self.member.id
        )

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.settings.tz)

    def say(self, text: str, attachments: Sequence[Attachment] = ()) -> None:
        """A message sent before the next question (a receipt, a QR code, an acknowledgement)."""
        self.said.append(Reply(text, attachments=list(attachments)))

    def has_role(self, *roles: str) -> bool:
        return any(held.role in roles for held in self.roles)


AskFn = Callable[[Ctx], Awaitable[Ask]]
AnswerFn = Callable[[Ctx, Any], Awaitable[Outcome]]


@dataclass
class Step:
    name: str
    ask: AskFn
    on: AnswerFn | None = None


class Dialog:
    """A named state machine of steps; the first step registered is where it starts."""

    def __init__(self, name: str, title: str, help: str = "", resumable: bool = True) -> None:
        self.name = name
        self.title = title
        self.help = help
        self.resumable = resumable  # kept for later when the member leaves it half-way
        self.steps: dict[str, Step] = {}

    @property
    def first(self) -> str:
        return next(iter(self.steps))

    def ask(self, step: str) -> Callable[[AskFn], AskFn]:
        def register(fn: AskFn) -> AskFn:
            self.steps[step] = Step(step, fn)
            return fn

        return register

    def on(self, step: str) -> Callable[[AnswerFn], AnswerFn]:
        def register(fn: AnswerFn) -> AnswerFn:
            self.steps[step].on = fn
            return fn

        return register


Visible = Callable[[Member, list[HeldRole]], bool]
ActionFn = Callable[[Ctx, int], Awaitable[Outcome]]
NoticeFn = Callable[[dict[str, Any]], Reply]


RunFn = Callable[[Ctx], Awaitable[Outcome]]


@dataclass(frozen=True)
class MenuEntry:
    """A main-menu choice: starts `key` as a dialog, or calls `run` for a one-shot answer."""

    key: str
    title: str
    visible: Visible
    order: int
    synonyms: Sequence[str] = ()
    run: RunFn | None = None
    intents: Sequence[str] = ()  # what members say for it in their own words (understanding.py)


@dataclass
class Registry:
    """Where each procedure module plugs in: its dialogs, menu entry, buttons and notices."""

    dialogs: dict[str, Dialog] = field(default_factory=dict)
    menu: list[MenuEntry] = field(default_factory=list)
    actions: dict[str, ActionFn] = field(default_factory=dict)
    notices: dict[str, NoticeFn] = field(default_factory=dict)

    def dialog(self, dialog: Dialog) -> Dialog:
        self.dialogs[dialog.name] = dialog
        return dialog

    def menu_entry(self, entry: MenuEntry) -> None:
        self.menu.append(entry)
        self.menu.sort(key=lambda item: item.order)

    def action(self, name: str) -> Callable[[ActionFn], ActionFn]:
        def register(fn: ActionFn) -> ActionFn:
            self.actions[name] = fn
            return fn

        return register

    def notice(self, event: str) -> Callable[[NoticeFn], NoticeFn]:
        def register(fn: NoticeFn) -> NoticeFn:
            self.notices[event] = fn
            return fn

        return register

    def render_notice(self, event: str, params: dict[str, Any]) -> Reply:
        return self.notices[event](params)


REGISTRY = Registry()


def everyone(_member: Member, _roles: list[HeldRole]) -> bool:
    return True


def with_role(*roles: str) -> Visible:
    def visible(_member: Member, held: list[HeldRole]) -> bool:
        return any(role.role in roles for role in held)

    return visible
