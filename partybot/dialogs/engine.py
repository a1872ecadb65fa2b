"""The dialog engine: one inbound message in, the replies out, all in one transaction.

For each message it resolves the channel account, loads the conversation, lets the current step
handle the input (or navigation, a pending confirmation, a button), and saves the new state with
the domain change, the outbox rows, the audit record and the processed update id — together.
Replies leave only after the commit. Bad input never raises: it gets a short message and the same
question again, and after a few failed tries the offer of a human.
"""

import asyncio
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs import texts
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
    Registry,
    Stay,
    Switch,
)
from partybot.dialogs.matching import Candidate, best_match, exact_match, parse_index
from partybot.dialogs.model import Choice, Inbound, InboundKind, Reply
from partybot.services import directory, notifications
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, Conversation, Member, ProcessedUpdate
from partybot.storage.queries import insert_ignoring_conflict

log = logging.getLogger(__name__)

MENU = "menu"
ONBOARDING = "onboarding"
PAGE_SIZE = 4
NAV_KEYS = {
    "nav:back": (texts.NAV_BACK, texts.NAV_BACK_WORDS),
    "nav:cancel": (texts.NAV_CANCEL, texts.NAV_CANCEL_WORDS),
    "nav:help": (texts.NAV_HELP, texts.NAV_HELP_WORDS),
    "nav:menu": (texts.NAV_MENU, texts.NAV_MENU_WORDS),
}
MORE_KEY = "nav:more"


class StaleConversation(Exception):
    """Another process saved this conversation first; the message is handled again."""


@dataclass
class State:
    """A conversation row's state, unpacked."""

    dialog: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    tries: int = 0
    page: int = 0
    pending: dict[str, Any] | None = None
    suspended: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, row: Conversation) -> "State":
        raw = row.state or {}
        return cls(
            dialog=row.dialog or MENU,
            step=row.step or "root",
            data=dict(raw.get("data", {})),
            stack=list(raw.get("stack", [])),
            tries=int(raw.get("tries", 0)),
            page=int(raw.get("page", 0)),
            pending=raw.get("pending"),
            suspended=dict(raw.get("suspended", {})),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "data": self.data,
            "stack": self.stack,
            "tries": self.tries,
            "page": self.page,
            "pending": self.pending,
            "suspended": self.suspended,
        }

    def start(self, dialog: Dialog, data: dict[str, Any] | None = None) -> None:
        self.dialog, self.step = dialog.name, dialog.first
        self.data, self.stack = dict(data or {}), []
        self.tries = self.page = 0
        self.pending = None

    def snapshot(self) -> dict[str, Any]:
        return {"step": self.step, "data": self.data, "stack": self.stack}


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class Engine:
    """Handles inbound messages for every channel; one instance per process."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock = system_clock,
        registry: Registry = REGISTRY,
    ) -> None:
        from partybot.dialogs import installed  # noqa: F401  (registers every dialog)

        self.db = db
        self.settings = settings
        self.clock = clock
        self.registry = registry
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Process one message exactly once; returns what to show the sender after the commit."""
        lock = self._locks.setdefault((inbound.channel, inbound.user_key), asyncio.Lock())
        async with lock:
            for _attempt in range(5):
                try:
                    return await self._handle_once(inbound)
                except StaleConversation:
                    continue
                except Exception:
                    log.exception("dialog failed for %s:%s", inbound.channel, inbound.user_key)
                    await self._mark_processed(inbound)
                    return [self._address(Reply(texts.ERROR))]
            return [self._address(Reply(texts.ERROR))]

    async def _mark_processed(self, inbound: Inbound) -> None:
        """A message that crashed the dialog is not retried forever by a redelivering channel."""
        if inbound.update_key is None:
            return
        try:
            async with self.db.transaction() as session:
                await self._claim_update(session, inbound, self.clock())
        except Exception:
            log.exception("could not record failed update %s", inbound.update_key)

    async def _claim_update(self, session: AsyncSession, inbound: Inbound, now: datetime) -> bool:
        if inbound.update_key is None:
            return True
        return await insert_ignoring_conflict(
            session,
            ProcessedUpdate,
            {"channel": inbound.channel, "update_key": inbound.update_key, "processed_at": now},
        )

    async def _handle_once(self, inbound: Inbound) -> list[Reply]:
        now = self.clock()
        async with self.db.transaction() as session:
            if not await self._claim_update(session, inbound, now):
                return []
            account = await self.account(session, inbound, now)
            row = await self._conversation(session, account)
            idle_since = row.updated_at
            member = await session.get(Member, account.member_id) if account.member_id else None
            roles = await directory.roles_of(session, member.id) if member else []
            state = State.load(row)
            ctx = Ctx(
                session,
                self.settings,
                now,
                inbound,
                account,
                member,
                roles,
                state.data,
                self.registry,
            )
            turn = Turn(self, ctx, state, idle_since)
            await turn.run()
            saved = await session.execute(
                update(Conversation)
                .where(Conversation.id == row.id, Conversation.version == row.version)
                .values(
                    dialog=state.dialog,
                    step=state.step,
                    state=state.dump(),
                    version=row.version + 1,
                    updated_at=now,
                )
            )
            if saved.rowcount != 1:
                raise StaleConversation
            account.last_seen_at = now
            replies = turn.replies
        return [self._address(reply) for reply in replies]

    async def account(
        self, session: AsyncSession, inbound: Inbound, now: datetime
    ) -> ChannelAccount:
        """The sender's channel account, created on first contact (safe when two race)."""
        await insert_ignoring_conflict(
            session,
            ChannelAccount,
            {
                "channel": inbound.channel,
                "external_id": inbound.user_key,
                "display_name": inbound.display_name,
                "last_seen_at": now,
                "created_at": now,
            },
        )
        found = await session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == inbound.channel,
                ChannelAccount.external_id == inbound.user_key,
            )
        )
        assert found is not None
        return found

    async def _conversation(self, session: AsyncSession, account: ChannelAccount) -> Conversation:
        await insert_ignoring_conflict(
            session,
            Conversation,
            {"account_id": account.id, "state": {}, "version": 0, "updated_at": self.clock()},
        )
        row = await session.scalar(
            select(Conversation).where(Conversation.account_id == account.id)
        )
        assert row is not None
        await session.refresh(row)
        return row

    def _address(self, reply: Reply) -> Reply:
        """Swap "Bác" for the configured form of address everywhere in a reply."""
        form = self.settings.address_form
        if form == "Bác":
            return reply

        def swap(text: str) -> str:
            text = re.sub(r"\bBác\b", form, text)
            return re.sub(r"\bbác\b", form.lower(), text)

        return replace(
            reply,
            text=swap(reply.text),
            choices=[replace(c, label=swap(c.label)) for c in reply.choices],
        )

    def render_notice(self, event: str, params: dict[str, Any]) -> Reply:
        return self._address(self.registry.render_notice(event, params))


class Turn:
    """One message's worth of conversation: decides what happens and collects the replies."""

    def __init__(self, engine: Engine, ctx: Ctx, state: State, idle_since: datetime) -> None:
        self.engine = engine
        self.registry = engine.registry
        self.settings = engine.settings
        self.ctx = ctx
        self.state = state
        self.idle_since = idle_since
        self.replies: list[Reply] = []

    # -- entry -------------------------------------------------------------------------------

    async def run(self) -> None:
        inbound = self.ctx.inbound
        text = inbound.contact_phone if inbound.kind == InboundKind.CONTACT else inbound.text
        if self.ctx.member is None and self.state.dialog != ONBOARDING:
            await self.first_contact(text)
            return
        if inbound.kind == InboundKind.BUTTON:
            await self.button(inbound.payload)
        elif inbound.kind == InboundKind.START and not (self.state.dialog == ONBOARDING and text):
            await self.start_over_at_menu()
        elif inbound.kind == InboundKind.UNSUPPORTED:
            self.say(texts.UNSUPPORTED)
            await self.ask()
        elif self.state.pending is not None:
            await self.pending(text)
        elif self.is_stale():
            await self.offer_resume(self.state.dialog)
        else:
            await self.answer(text)

    async def first_contact(self, text: str) -> None:
        """Greet an unknown sender; take their first message as an answer only if it is one."""
        self.state.start(self.registry.dialogs[ONBOARDING])
        self.state.suspended = {}
        self.say(texts.WELCOME)
        ask = await self.current_ask()
        try:
            usable = bool(text.strip()) and ask.parse is not None and ask.parse(text) is not None
        except Invalid:
            usable = False
        if usable:
            await self.answer(text)
        else:
            await self.ask(ask)

    def say(self, text: str) -> None:
        self.replies.append(Reply(text))

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Messages a step queued with ctx.say() go out before the next question."""
        try:
            yield
        finally:
            self.replies.extend(self.ctx.said)
            self.ctx.said.clear()

    # -- asking ------------------------------------------------------------------------------

    @property
    def dialog(self) -> Dialog:
        return self.registry.dialogs[self.state.dialog]

    async def current_ask(self) -> Ask:
        step = self.dialog.steps[self.state.step]
        self.ctx.data = self.state.data
        with self.collecting():
            return await step.ask(self.ctx)

    def nav_choices(self) -> list[Choice]:
        if self.state.dialog == MENU:
            return [Choice(texts.NAV_HELP)]
        if self.state.dialog == ONBOARDING:
            return [Choice(texts.NAV_BACK), Choice(texts.NAV_HELP)]
        return [Choice(label) for label, _ in NAV_KEYS.values()]

    def page_of(self, options: list[Option]) -> tuple[list[Option], bool]:
        if len(options) <= PAGE_SIZE + 1:
            return options, False
        pages = (len(options) + PAGE_SIZE - 1) // PAGE_SIZE
        page = self.state.page % pages
        return options[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], True

    async def ask(self, ask: Ask | None = None) -> None:
        ask = ask or await self.current_ask()
        shown, more = self.page_of(ask.options)
        choices = [Choice(option.label) for option in shown]
        if more:
            choices.append(Choice(texts.MORE))
        self.replies.append(
            Reply(
                ask.text,
                choices=choices,
                nav=self.nav_choices(),
                attachments=list(ask.attachments),
                request_contact=ask.request_contact,
                placeholder=ask.placeholder,
            )
        )

    def ask_pending(self, text: str, options: list[tuple[str, str]]) -> None:
        self.replies.append(
            Reply(text, choices=[Choice(label) for _, label in options], nav=self.nav_choices())
        )

    # -- answering ---------------------------------------------------------------------------

    async def answer(self, text: str) -> None:
        if not text.strip():
            self.say(texts.EMPTY)
            await self.ask()
            return
        ask = await self.current_ask()
        shown, more = self.page_of(ask.options)
        free_text = ask.parse is not None and not ask.options
        key = self.match_numbered(text, shown, more) if ask.options else None
        if key is None and ask.options:  # a choice's own words beat a navigation word in them
            words = [Candidate(o.key, (o.label, *o.synonyms)) for o in shown]
            if more:
                words.append(Candidate(MORE_KEY, (texts.MORE, *texts.MORE_WORDS)))
            key = exact_match(text, words)
        key = key or self.match_nav(text, strict=free_text)
        if key == MORE_KEY:
            self.state.page += 1
            await self.ask(ask)
        elif key in NAV_KEYS:
            await self.navigate(key)
        elif key is not None:
            await self.chosen(key)
        else:
            await self.answer_freely(text, ask)

    async def answer_freely(self, text: str, ask: Ask) -> None:
        """Typed words: a sure option, a likely option to confirm, or free input to parse."""
        if ask.options:
            options = [Candidate(o.key, (o.label, *o.synonyms)) for o in ask.options]
            match = best_match(text, options)
            if match and match.certain:
                await self.chosen(match.key)
                return
            if match and ask.parse is None:
                label = next(o.label for o in ask.options if o.key == match.key)
                self.state.pending = {"kind": "confirm", "key": match.key, "label": label}
                self.ask_pending(
                    texts.DID_YOU_MEAN.format(label=label), [("yes", texts.YES), ("no", texts.NO)]
                )
                return
        if ask.parse is None:
            await self.failed(texts.NOT_UNDERSTOOD)
            return
        try:
            value = ask.parse(text)
        except Invalid as bad:
            await self.failed(bad.message)
            return
        await self.chosen(value)

    def match_nav(self, text: str, strict: bool) -> str | None:
        if text.strip() == "?":
            return "nav:help"
        candidates = [Candidate(key, (label, *words)) for key, (label, words) in NAV_KEYS.items()]
        if strict:
            return exact_match(text, candidates)
        found = exact_match(text, candidates)
        if found is None and len(text.split()) <= 3:
            match = best_match(text, candidates)
            found = match.key if match and match.certain else None
        if found is None:
            return None
        if self.state.dialog == MENU and found != "nav:help":
            return "nav:menu"
        return found

    def match_numbered(self, text: str, shown: list[Option], more: bool) -> str | None:
        """A typed number picks the choice with that number, navigation included."""
        index = parse_index(text)
        if index is None:
            return None
        keys = [o.key for o in shown] + ([MORE_KEY] if more else [])
        keys += [key for key, (label, _) in NAV_KEYS.items() if Choice(label) in self.nav_choices()]
        if 1 <= index <= len(keys):
            return keys[index - 1]
        return None

    async def chosen(self, value: Any) -> None:
        step = self.dialog.steps[self.state.step]
        assert step.on is not None, f"step {self.state.dialog}.{step.name} takes no answer"
        self.ctx.data = self.state.data
        try:
            with self.collecting():
                outcome = await step.on(self.ctx, value)
        except Invalid as bad:
            await self.failed(bad.message)
            return
        self.state.tries = 0
        await self.follow(outcome)

    async def follow(self, outcome: Outcome) -> None:
        state = self.state
        match outcome:
            case Goto(step):
                if step != state.step:
                    state.stack.append(state.step)
                state.step, state.page = step, 0
                await self.ask()
            case Stay(message):
                self.say(message)
                await self.ask()
            case Done(text, attachments):
                state.suspended.pop(state.dialog, None)
                self.replies.append(Reply(text, attachments=list(attachments)))
                await self.to_menu(texts.MENU_NEXT)
            case Switch(name, data):
                await self.switch(name, data)

    async def failed(self, message: str) -> None:
        self.state.tries += 1
        if self.state.tries >= self.settings.max_tries:
            self.state.tries = 0
            self.state.pending = {"kind": "human", "typed": self.ctx.inbound.text[:200]}
            self.say(message)
            self.ask_pending(
                texts.HUMAN_OFFER, [("yes", texts.HUMAN_YES), ("retry", texts.HUMAN_RETRY)]
            )
            return
        self.say(message)
        await self.ask()

    # -- navigation --------------------------------------------------------------------------

    async def navigate(self, key: str) -> None:
        state = self.state
        if key == "nav:help":
            ask = await self.current_ask()
            self.say(ask.help or self.dialog.help or texts.HELP_GENERAL)
            await self.ask(ask)
        elif key == "nav:back":
            if state.stack:
                state.step, state.page = state.stack.pop(), 0
                await self.ask()
            elif state.dialog == ONBOARDING:
                state.start(self.dialog)
                await self.ask()
            else:
                await self.to_menu(texts.MENU_QUESTION)
        elif key == "nav:cancel":
            if state.dialog not in (MENU, ONBOARDING):
                self.say(texts.CANCELLED.format(title=self.dialog.title))
                state.suspended.pop(state.dialog, None)
            await self.to_menu(texts.MENU_QUESTION)
        elif key == "nav:menu":
            self.suspend_current()
            await self.to_menu(texts.MENU_QUESTION)

    def suspend_current(self) -> None:
        """Keep an unfinished procedure so the member can pick it up later."""
        state = self.state
        if not self.dialog.resumable or (not state.data and not state.stack):
            return
        state.suspended[state.dialog] = state.snapshot()
        self.say(texts.SUSPENDED.format(title=self.dialog.title))

    async def to_menu(self, question: str) -> None:
        if self.ctx.member is None:
            self.state.start(self.registry.dialogs[ONBOARDING])
            await self.ask()
            return
        self.state.start(self.registry.dialogs[MENU])
        ask = await self.current_ask()
        await self.ask(Ask(question, ask.options, help=ask.help))

    async def start_over_at_menu(self) -> None:
        self.suspend_current()
        await self.to_menu(texts.MENU_QUESTION)

    async def switch(self, name: str, data: dict[str, Any]) -> None:
        self.suspend_current()
        if name in self.state.suspended and not data:
            await self.offer_resume(name)
            return
        self.state.start(self.registry.dialogs[name], data)
        await self.ask()

    # -- pending questions -------------------------------------------------------------------

    def is_stale(self) -> bool:
        if not self.dialog.resumable:
            return False
        idle = self.ctx.now - self.idle_since
        return idle > timedelta(minutes=self.settings.resume_after_minutes)

    async def offer_resume(self, name: str) -> None:
        if name == self.state.dialog:
            self.state.suspended[name] = self.state.snapshot()
        self.state.pending = {"kind": "resume", "dialog": name}
        title = self.registry.dialogs[name].title
        self.ask_pending(
            texts.RESUME_QUESTION.format(title=title),
            [("continue", texts.RESUME_CONTINUE), ("restart", texts.RESUME_RESTART)],
        )

    async def pending(self, text: str) -> None:
        pending = self.state.pending or {}
        kind = pending["kind"]
        options = {
            "confirm": [("yes", texts.YES, texts.YES_WORDS), ("no", texts.NO, texts.NO_WORDS)],
            "human": [
                ("yes", texts.HUMAN_YES, texts.HUMAN_YES_WORDS),
                ("retry", texts.HUMAN_RETRY, texts.HUMAN_RETRY_WORDS),
            ],
            "resume": [
                ("continue", texts.RESUME_CONTINUE, texts.RESUME_CONTINUE_WORDS),
                ("restart", texts.RESUME_RESTART, texts.RESUME_RESTART_WORDS),
            ],
        }[kind]
        candidates = [Candidate(key, (label, *words)) for key, label, words in options]
        index = parse_index(text)
        choice = None
        if index is not None and 1 <= index <= len(options):
            choice = options[index - 1][0]
        choice = choice or exact_match(text, candidates)
        if choice is None:
            match = best_match(text, candidates)
            choice = match.key if match and match.certain else None
        self.state.pending = None
        if choice is None:
            if kind == "resume":
                self.state.pending = pending
                await self.answer_pending_nav(text, pending)
                return
            await self.answer(text)
            return
        await getattr(self, f"pending_{kind}")(choice, pending)

    async def answer_pending_nav(self, text: str, pending: dict[str, Any]) -> None:
        """While asked "continue or start over?", navigation still works; anything else re-asks."""
        nav = self.match_nav(text, strict=False)
        if nav is None:
            self.say(texts.NOT_UNDERSTOOD)
            await self.offer_resume(pending["dialog"])
            return
        self.state.pending = None
        if nav == "nav:cancel":
            self.state.suspended.pop(pending["dialog"], None)
        await self.to_menu(texts.MENU_QUESTION)

    async def pending_confirm(self, choice: str, pending: dict[str, Any]) -> None:
        if choice == "yes":
            await self.chosen(pending["key"])
        else:
            await self.ask()

    async def pending_resume(self, choice: str, pending: dict[str, Any]) -> None:
        name = pending["dialog"]
        saved = self.state.suspended.pop(name, None)
        self.state.start(self.registry.dialogs[name])
        if choice == "continue" and saved:
            self.state.step = saved["step"]
            self.state.data = saved["data"]
            self.state.stack = saved["stack"]
        await self.ask()

    async def pending_human(self, choice: str, pending: dict[str, Any]) -> None:
        if choice == "retry":
            self.say(texts.TRY_AGAIN)
            await self.ask()
            return
        member = self.ctx.member
        if member is None:
            self.say(texts.HUMAN_UNLINKED)
            await self.ask()
            return
        helpers = await directory.nearest_holders(self.ctx.session, member.official_org_id)
        if not helpers:
            self.say(texts.HUMAN_NOBODY)
            await self.ask()
            return
        ask = await self.current_ask()
        for helper in helpers[:1]:
            await notifications.notify(
                self.ctx.session,
                helper.id,
                "help.requested",
                {
                    "name": member.full_name,
                    "phone": member.phone or "",
                    "title": self.dialog.title,
                    "step": ask.text[:120],
                    "typed": pending.get("typed", ""),
                },
                self.ctx.now,
            )
        self.say(texts.HUMAN_SENT.format(name=helpers[0].full_name))
        await self.ask(ask)

    # -- buttons -----------------------------------------------------------------------------

    async def button(self, payload: str) -> None:
        token = await notifications.resolve_token(self.ctx.session, payload)
        member = self.ctx.member
        if token is None or member is None:
            self.say(texts.BUTTON_GONE)
            await self.ask()
            return
        if token.member_id != member.id:
            self.say(texts.BUTTON_NOT_YOURS)
            await self.ask()
            return
        handler = self.registry.actions.get(token.action)
        if handler is None:
            self.say(texts.BUTTON_GONE)
            await self.ask()
            return
        self.ctx.data = {}
        with self.collecting():
            outcome = await handler(self.ctx, token.subject_id)
        if isinstance(outcome, Done) and self.dialog.resumable:
            self.replies.append(Reply(outcome.text, attachments=list(outcome.attachments)))
            await self.ask()
            return
        await self.follow(outcome)
