"""Every table, imported here so that the metadata (and Alembic) sees all of them."""

from partybot.storage.models.approvals import Approval, ApprovalStatus
from partybot.storage.models.audit import AuditEntry
from partybot.storage.models.base import Base, utcnow
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
from partybot.storage.models.transfers import (
    OPEN_STATUSES,
    FlagKind,
    MemberFlag,
    StepKind,
    StepStatus,
    TemporaryMembership,
    Transfer,
    TransferEvent,
    TransferKind,
    TransferLetter,
    TransferStatus,
    TransferStep,
)

__all__ = [
    "OPEN_STATUSES",
    "ActionToken",
    "Approval",
    "ApprovalStatus",
    "AuditEntry",
    "Base",
    "ChannelAccount",
    "Conversation",
    "FlagKind",
    "InviteCode",
    "Member",
    "MemberFlag",
    "MemberStatus",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "ProcessedUpdate",
    "Role",
    "RoleKind",
    "StepKind",
    "StepStatus",
    "StoredFile",
    "TemporaryMembership",
    "Transfer",
    "TransferEvent",
    "TransferKind",
    "TransferLetter",
    "TransferStatus",
    "TransferStep",
    "Urgency",
    "utcnow",
]
