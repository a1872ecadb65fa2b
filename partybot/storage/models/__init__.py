"""Every table, imported here so that the metadata (and Alembic) sees all of them."""

from partybot.storage.models.approvals import Approval, ApprovalStatus
from partybot.storage.models.audit import AuditEntry
from partybot.storage.models.base import Base, utcnow
from partybot.storage.models.broadcasts import Broadcast
from partybot.storage.models.conversation import (
    ActionToken,
    ChannelAccount,
    Conversation,
    InviteCode,
    ProcessedUpdate,
)
from partybot.storage.models.delivery import OutboxMessage, OutboxStatus, StoredFile, Urgency
from partybot.storage.models.directory import (
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
)

__all__ = [
    "ActionToken",
    "Approval",
    "ApprovalStatus",
    "AuditEntry",
    "Base",
    "Broadcast",
    "ChannelAccount",
    "Conversation",
    "InviteCode",
    "Member",
    "MemberStatus",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "ProcessedUpdate",
    "Role",
    "RoleKind",
    "StoredFile",
    "Urgency",
    "utcnow",
]
