"""The neutral shapes that flow between channels and dialogs.

A channel adapter turns its update into an `Inbound` and renders each `Reply` its own way: Telegram
as buttons, Zalo and the console as a numbered list. Dialog code never knows which.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class InboundKind(StrEnum):
    TEXT = "text"
    BUTTON = "button"  # an inline button: `payload` holds its opaque data
    CONTACT = "contact"  # a shared phone contact
    START = "start"  # the channel's "start" (Telegram /start, possibly with a deep-link argument)
    UNSUPPORTED = "unsupported"  # stickers, photos, voice… where text is expected


@dataclass(frozen=True)
class Inbound:
    channel: str
    user_key: str
    kind: InboundKind = InboundKind.TEXT
    text: str = ""
    payload: str = ""
    contact_phone: str = ""
    contact_is_own: bool = False
    update_key: str | None = None  # the channel's id for this update, for idempotency
    display_name: str | None = None


@dataclass(frozen=True)
class Choice:
    label: str
    payload: str = ""  # for inline buttons only: the opaque action token


@dataclass(frozen=True)
class Attachment:
    """A stored file (see services.files) shown as an image or sent as a document."""

    file_token: str
    filename: str
    is_image: bool


@dataclass
class Reply:
    text: str
    choices: list[Choice] = field(default_factory=list)  # answers to the question asked
    nav: list[Choice] = field(default_factory=list)  # Quay lại / Hủy / Trợ giúp / Menu chính
    actions: list[Choice] = field(default_factory=list)  # inline buttons bound to this message
    attachments: list[Attachment] = field(default_factory=list)
    request_contact: bool = False
    placeholder: str | None = None

    @property
    def numbered(self) -> list[Choice]:
        """The choices in the order text channels number them (a typed number picks the same).

        Navigation is numbered only under a list of choices; under a free-text question a typed
        number is the answer itself. Actions are buttons only: text channels leave them out and
        the notice itself says where to act (the approvals inbox).
        """
        if not self.choices:
            return []
        return [*self.choices, *self.nav]
