"""A person talking to the engine, the way a dialog transcript reads."""

from partybot.dialogs.engine import Engine
from partybot.dialogs.model import Inbound, InboundKind, Reply


class Person:
    def __init__(self, engine: Engine, user_key: str, channel: str = "console") -> None:
        self.engine = engine
        self.user_key = user_key
        self.channel = channel
        self.replies: list[Reply] = []
        self._update = 0

    async def send(self, inbound: Inbound) -> list[Reply]:
        replies = await self.engine.handle(inbound)
        self.replies = replies
        return replies

    def inbound(self, **fields: object) -> Inbound:
        self._update += 1
        fields.setdefault("update_key", f"{self.user_key}-{self._update}")
        return Inbound(self.channel, self.user_key, **fields)  # type: ignore[arg-type]

    async def says(self, text: str) -> list[Reply]:
        return await self.send(self.inbound(text=text))

    async def shares_contact(self, phone: str, own: bool = True) -> list[Reply]:
        return await self.send(
            self.inbound(kind=InboundKind.CONTACT, contact_phone=phone, contact_is_own=own)
        )

    async def presses(self, payload: str) -> list[Reply]:
        return await self.send(self.inbound(kind=InboundKind.BUTTON, payload=payload))

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def text(self) -> str:
        """Everything the last message produced, as one string to search in."""
        return "\n".join(reply.text for reply in self.replies)

    @property
    def options(self) -> list[str]:
        return [choice.label for choice in self.last.choices]

    async def menu(self) -> list[str]:
        """Every choice of the question on screen, paging through "Xem thêm" as a member would."""
        from partybot.dialogs import texts

        seen = [label for label in self.options if label != texts.MORE]
        for _ in range(10):
            if texts.MORE not in self.options:
                break
            await self.says(texts.MORE)
            fresh = [label for label in self.options if label not in (texts.MORE, *seen)]
            if not fresh:
                break
            seen += fresh
        return seen
