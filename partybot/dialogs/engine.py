"""The dialog engine: one inbound message in, the replies out, all in one transaction.

For each message it resolves the channel account, loads the conversation, lets the current step
handle the input (or navigation, a pending confirmation, a button), and saves the new state with
the domain change, the outbox rows, the audit record and the processed update id — together.
Replies leave only after the commit. Bad input never raises: it gets a short message and the same
question again, and after a few failed tries the offer of a human.
"""

import asyncio
import logging
import random
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs import questions, texts
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
    Registry,
    Stay,
    Switch,
)
from partybot.dialogs.matching import Candidate, best_match, exact_match
from partybot.dialogs.model import Choice, Inbound, InboundKind, Reply
from partybot.dialogs.understanding import ENGLISH, FAQ_PREFIX, NONE, Matcher, parse_number
from partybot.services import assist, audit, directory, helpdesk, notifications
from partybot.services.textnorm import fold
from partybot.settings import Settings
from partybot.storage import conversations
from partybot.storage.conversations import Arrival, ConversationRow
from partybot.storage.db import Database
from partybot.storage.models import ChannelAccount, Member

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
ASKING_CHARS = 300
STALE_ATTEMPTS = 8  # tries of a message whose conversation another process keeps saving first
STALE_PAUSE = 0.002  # seconds: the first pause before trying again, doubling after each
YES_NO = [("yes", texts.YES), ("no", texts.NO)]
SOCIAL = {"greeting": texts.GREETING, "thanks": texts.THANKS, ENGLISH: texts.ENGLISH_ONLY}


def matcher() -> Matcher:
    return Matcher.default()


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
    last_unknown: str = ""
    recent: list[float] = field(default_factory=list)  # when the last messages came (epoch s)

    @classmethod
    def load(cls, row: ConversationRow) -> "State":
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
            last_unknown=str(raw.get("last_unknown", "")),
            recent=list(raw.get("recent", [])),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "data": self.data,
            "stack": self.stack,
            "tries": self.tries,
            "page": self.page,
            "pending": self.pending,
            "suspended": self.suspended,
            "last_unknown": self.last_unknown,
            "recent": self.recent,
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

    def _lock(self, inbound: Inbound) -> asyncio.Lock:
        return self._locks.setdefault((inbound.channel, inbound.user_key), asyncio.Lock())

    async def handle(self, inbound: Inbound) -> list[Reply]:
        """Process one message exactly once; returns what to show the sender after the commit."""
        async with self._lock(inbound):
            for attempt in range(STALE_ATTEMPTS):
                try:
                    async with self.db.transaction() as session:
                        return (await self._turns(session, [inbound]))[0]
                except StaleConversation:
                    # Another process saved this conversation meanwhile. Going again at once,
                    # the two can keep colliding; a random pause, longer each time, lets the
                    # other finish what it has queued for this person.
                    await asyncio.sleep(random.uniform(0, STALE_PAUSE * 2**attempt))
                except Exception:
                    log.exception("dialog failed for %s:%s", inbound.channel, inbound.user_key)
                    await self._mark_processed(inbound)
                    return [self._address(Reply(texts.ERROR))]
            return [self._address(Reply(texts.ERROR))]

    async def handle_many(self, inbounds: Sequence[Inbound]) -> list[list[Reply]]:
        """Messages that arrived together, handled in order in one transaction (a group commit).

        Each message is still one unit of work: its turn sees the turns before it, and all of
        them commit together or not at all. Beginning, committing and closing a transaction
        cost more than a typical turn's statements, so a crowd's messages are cheaper this way.
        If any turn fails (a dialog error, a conversation saved by another process), the whole
        group is undone and goes again one message at a time, with `handle`'s own answers.
        """
        if len(inbounds) == 1:
            return [await self.handle(inbounds[0])]
        async with AsyncExitStack() as held:
            for lock in sorted({self._lock(i) for i in inbounds}, key=id):
                await held.enter_async_context(lock)
            try:
                async with self.db.transaction() as session:
                    return await self._turns(session, inbounds)
            except Exception as trouble:
                log.info("group of %d messages undone (%r); one at a time", len(inbounds), trouble)
        return [await self.handle(inbound) for inbound in inbounds]

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
        return await conversations.claim_update(session, inbound.channel, inbound.update_key, now)

    async def _turns(self, session: AsyncSession, inbounds: Sequence[Inbound]) -> list[list[Reply]]:
        """Messages' work in order inside the caller's transaction; their replies, to send after.

        Every update id is claimed and every sender's rows read in one go before the first
        turn, and the conversations are written in one go after the last. The rows read are
        what separate transactions starting now would read, so a turn sees no less than it
        would alone. A sender's second message in the group waits for the first one's
        conversation to be written and reads afresh. (Roles change only by roster import.)
        """
        updates = [(i.channel, i.update_key) for i in inbounds if i.update_key is not None]
        senders = list(dict.fromkeys((i.channel, i.user_key) for i in inbounds))
        claimed, arrivals = await conversations.claim_and_arrive(
            session, updates, senders, self.clock()
        )
        results: list[list[Reply]] = []
        saves: dict[tuple[str, str], conversations.Save] = {}
        for inbound in inbounds:
            if inbound.update_key is not None:
                update = (inbound.channel, inbound.update_key)
                if update not in claimed:
                    results.append([])  # a redelivery: handled before
                    continue
                claimed.remove(update)  # the same id again in this group is one too
            sender = (inbound.channel, inbound.user_key)
            if sender in saves:  # the sender's second turn reads what the first one wrote
                await self._save(session, saves)
            replies, saves[sender] = await self._turn(session, inbound, arrivals.pop(sender, None))
            results.append(replies)
        await self._save(session, saves)
        return results

    @staticmethod
    async def _save(
        session: AsyncSession, saves: dict[tuple[str, str], conversations.Save]
    ) -> None:
        """Write the conversations turns have left, unless another process wrote one first."""
        if not await conversations.save_conversations(session, list(saves.values())):
            raise StaleConversation
        saves.clear()

    async def _turn(
        self, session: AsyncSession, inbound: Inbound, arrived: Arrival | None
    ) -> tuple[list[Reply], conversations.Save]:
        """One message's work, on the sender's rows as read for it (None: not read yet); its
        replies and the conversation to write."""
        now = self.clock()
        if arrived is None or arrived.conversation is None:
            arrived = await self._arrival(session, inbound, now)
        account, row = arrived.account, arrived.conversation
        assert row is not None
        member = arrived.member
        roles = [directory.HeldRole(*held) for held in arrived.roles]
        actor, acting = member, None
        if actor is not None and any(held.role in assist.HELPER_ROLES for held in roles):
            acting = await assist.active(session, actor.id, now)
        if acting is not None:
            member = await session.get(Member, acting.member_id)
            roles = await directory.roles_of(session, acting.member_id)
        state = State.load(row)
        dialog = self.registry.dialogs.get(state.dialog)
        if dialog is None or state.step not in dialog.steps:  # a step removed by an upgrade
            state = State(MENU, "root", suspended=state.suspended)
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
            actor=actor,
        )
        turn = Turn(self, ctx, state, row.updated_at)
        if acting is not None and actor is not None:
            with audit.acting_for(actor.id, acting.member_id):
                await turn.run()
        else:
            await turn.run()
        await conversations.mark_seen(session, account, now)
        save = conversations.Save(row, state.dialog, state.step, state.dump(), now)
        return [self._address(reply) for reply in turn.replies], save

    async def _arrival(self, session: AsyncSession, inbound: Inbound, now: datetime) -> Arrival:
        """The sender's rows in one read, created on first contact."""
        channel, key = inbound.channel, inbound.user_key
        arrived = await conversations.arrival(session, channel, key)
        if arrived is None or arrived.conversation is None:
            await conversations.open_account(session, channel, key, inbound.display_name, now)
            arrived = await conversations.arrival(session, channel, key)
        assert arrived is not None
        return arrived

    async def account(
        self, session: AsyncSession, inbound: Inbound, now: datetime
    ) -> ChannelAccount:
        """The sender's channel account, created on first contact (safe when two race)."""
        return (await self._arrival(session, inbound, now)).account

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
        if self.flooding():
            return
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

    def flooding(self) -> bool:
        """Many messages in a few seconds: say once, kindly, to slow down; drop the burst."""
        now = self.ctx.now.timestamp()
        limit = self.settings.flood_messages
        recent = [t for t in self.state.recent if now - t < self.settings.flood_window_seconds]
        if len(recent) > limit:  # already told during this burst
            self.state.recent = recent
            return True
        self.state.recent = [*recent, now]
        if len(recent) == limit:
            self.say(texts.TOO_FAST)
            return True
        return False

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
        key = key or self.match_option_exactly(text, ask.options, more)
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
        """Typed words: a sure option, free input to parse, something asked in the member's own
        words (another procedure, a common question, a person), or a likely option to confirm."""
        option = None
        if ask.options:
            candidates = [Candidate(o.key, (o.label, *o.synonyms)) for o in ask.options]
            option = best_match(text, candidates)
            if option and option.certain:
                await self.chosen(option.key)
                return
        problem = texts.NOT_UNDERSTOOD
        if ask.parse is not None:
            try:
                value = ask.parse(text)
            except Invalid as bad:
                problem = bad.message
            else:
                await self.chosen(value)
                return
        if await self.understood(text, sure_only=option is not None):
            return
        if option is not None:
            label = next(o.label for o in ask.options if o.key == option.key)
            self.state.pending = {"kind": "confirm", "key": option.key, "label": label}
            self.ask_pending(texts.DID_YOU_MEAN.format(label=label), YES_NO)
            return
        await self.failed(problem, text)

    async def understood(self, text: str, sure_only: bool) -> bool:
        """Act on what the member asked in their own words; False when it was nothing we know.

        Only short messages are read this way: a request is a sentence, while a long text is an
        answer (a comment, a rant) that deserves the step's own reply.
        """
        if len(text) > ASKING_CHARS:
            return False
        match = matcher().match(text)
        label = match.label
        if label in (NONE, "yes", "no") or (sure_only and not match.confident):
            return False
        if label in SOCIAL:
            self.say(SOCIAL[label])
            await self.ask()
        elif label in ("help", "menu", "back", "cancel"):
            if not match.confident:
                return False
            await self.navigate(f"nav:{label}")
        elif label == "human":
            await self.request_human(text)
        elif label.startswith(FAQ_PREFIX):
            if not match.confident:
                self.state.pending = {"kind": "question", "label": label}
                self.ask_pending(matcher().offer(label) or texts.NOT_UNDERSTOOD, YES_NO)
            else:
                await self.answer_question(label)
        else:
            return await self.offer_procedure(label, act=match.confident)
        return True

    def entry_for(self, intent: str) -> MenuEntry | None:
        member = self.ctx.member
        if member is None:
            return None
        for entry in self.registry.menu:
            if intent in entry.intents and entry.visible(member, self.ctx.roles):
                return entry
        return None

    async def offer_procedure(self, intent: str, act: bool) -> bool:
        """Go to the procedure asked for (at the menu, when sure) or offer it, keeping this one."""
        entry = self.entry_for(intent)
        if entry is None or entry.key == self.state.dialog:
            return False
        if act and self.state.dialog == MENU:
            await self.open_entry(entry, intent)
            return True
        self.state.pending = {"kind": "intent", "entry": entry.key, "intent": intent}
        self.ask_pending(matcher().offer(intent) or texts.MENU_QUESTION, YES_NO)
        return True

    async def open_entry(self, entry: MenuEntry, intent: str) -> None:
        if entry.run is not None:
            self.suspend_current()
            with self.collecting():
                outcome = await entry.run(self.ctx)
            await self.follow(outcome)
            return
        specific = bool(entry.intents) and intent != entry.intents[0]
        await self.switch(entry.key, {"intent": intent} if specific else {})

    async def answer_question(self, label: str) -> None:
        entry = matcher().faq(label)
        self.say(await questions.answer(self.ctx, entry))
        follow = self.entry_for(entry.offer) if entry.offer else None
        if follow is not None and follow.key != self.state.dialog:
            self.state.pending = {"kind": "intent", "entry": follow.key, "intent": entry.offer}
            self.ask_pending(
                texts.FAQ_FOLLOW_UP, [("yes", texts.YES_PLEASE), ("no", texts.NO_THANKS)]
            )
            return
        await self.ask()

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

    def match_option_exactly(self, text: str, options: list[Option], more: bool) -> str | None:
        """A choice's label or synonym typed exactly beats navigation: "đúng" is not "dừng".

        "Xem thêm" counts as a choice when the list is paged (a reply-keyboard press sends it).
        """
        if not options:
            return None
        candidates = [Candidate(o.key, (o.label, *o.synonyms)) for o in options]
        if more:
            candidates.append(Candidate(MORE_KEY, (texts.MORE, *texts.MORE_WORDS)))
        return exact_match(text, candidates)

    def match_numbered(self, text: str, shown: list[Option], more: bool) -> str | None:
        """A typed number picks the choice with that number, navigation included."""
        index = parse_number(text)
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
                if self.ctx.assisting and self.dialog.resumable:
                    await self.tell_assisted_member(text)
                self.replies.append(Reply(text, attachments=list(attachments)))
                await self.to_menu(texts.MENU_NEXT)
            case Switch(name, data):
                await self.switch(name, data)

    async def tell_assisted_member(self, text: str) -> None:
        assert self.ctx.actor is not None and self.ctx.member is not None
        await assist.tell_member(
            self.ctx.session, self.ctx.member.id, self.ctx.actor, text[:500], self.ctx.now
        )

    async def failed(self, message: str, text: str = "") -> None:
        """Count a failed try; the third, or the same unknown words twice, offers a person."""
        self.state.tries += 1
        folded = fold(text)[:200]
        repeated = bool(folded) and folded == self.state.last_unknown
        self.state.last_unknown = folded
        self.say(message)
        if self.state.tries >= self.settings.max_tries or repeated:
            self.state.tries = 0
            self.state.pending = {"kind": "human", "typed": text[:200]}
            self.ask_pending(
                texts.HUMAN_OFFER, [("yes", texts.HUMAN_YES), ("retry", texts.HUMAN_RETRY)]
            )
            return
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
        self.state.start(self.registry.dialogs[MENU], {"question": question})
        await self.ask()

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
        yes_no = [("yes", texts.YES, texts.YES_WORDS), ("no", texts.NO, texts.NO_WORDS)]
        options = {
            "confirm": yes_no,
            "intent": yes_no,
            "question": yes_no,
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
        index = parse_number(text)
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
        await self.request_human(pending.get("typed", ""))

    async def pending_intent(self, choice: str, pending: dict[str, Any]) -> None:
        entry = next((e for e in self.registry.menu if e.key == pending["entry"]), None)
        if choice != "yes" or entry is None:
            await self.ask()
            return
        await self.open_entry(entry, pending["intent"])

    async def pending_question(self, choice: str, pending: dict[str, Any]) -> None:
        if choice != "yes":
            await self.ask()
            return
        await self.answer_question(pending["label"])

    async def request_human(self, typed: str) -> None:
        """Put the member through to a person (their secretary or a helper), with the context."""
        member = self.ctx.member
        if member is None:
            self.say(texts.HUMAN_UNLINKED)
            await self.ask()
            return
        ask = await self.current_ask()
        reached = await helpdesk.ask_for_help(
            self.ctx.session,
            member,
            {"title": self.dialog.title, "step": ask.text[:120], "typed": typed},
            self.ctx.now,
        )
        if reached:
            self.say(texts.HUMAN_SENT.format(name=reached[0].full_name))
        else:
            self.say(texts.HUMAN_NOBODY)
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
