"""Every table, imported here so that the metadata (and Alembic) sees all of them."""

from partybot.storage.models.approvals import Approval, ApprovalStatus
from partybot.storage.models.assist import AssistSession
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
from partybot.storage.models.dues import (
    BankTransaction,
    BankTxStatus,
    DuesAllocation,
    DuesExemption,
    DuesObligation,
    DuesPayment,
    DuesRate,
    DuesRequest,
    DuesRuleSet,
    IntentStatus,
    MinimumWage,
    ObligationStatus,
    PaymentIntent,
    PaymentMethod,
    RequestStatus,
)
from partybot.storage.models.help import HelpRequest
from partybot.storage.models.reviews import ReviewDraft, ReviewEvent, ReviewRequest, ReviewStatus

__all__ = [
    "ActionToken",
    "Approval",
    "ApprovalStatus",
    "AssistSession",
    "AuditEntry",
    "BankTransaction",
    "BankTxStatus",
    "Base",
    "ChannelAccount",
    "Conversation",
    "DuesAllocation",
    "DuesExemption",
    "DuesObligation",
    "DuesPayment",
    "DuesRate",
    "DuesRequest",
    "DuesRuleSet",
    "HelpRequest",
    "IntentStatus",
    "InviteCode",
    "Member",
    "MemberStatus",
    "MinimumWage",
    "ObligationStatus",
    "OrgKind",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentIntent",
    "PaymentMethod",
    "ProcessedUpdate",
    "RequestStatus",
    "ReviewDraft",
    "ReviewEvent",
    "ReviewRequest",
    "ReviewStatus",
    "Role",
    "RoleKind",
    "StoredFile",
    "Urgency",
    "utcnow",
]
