"""Helper mode: a community helper goes through a procedure for a member who asked for help.

The member consents from their own account — by reading out a short code the bot sends them, or
by pressing "Đồng ý" — and the session lasts an hour at most. While it lasts, everything the
helper does is done for the member and recorded with both names (services.audit.acting_for).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import audit, directory, notifications
from partybot.storage.models import AssistSession, Member, RoleKind

HELPER_ROLES = (RoleKind.HELPER,)
SESSION_MINUTES = 60
MAX_ATTEMPTS = 5


class Consent(StrEnum):
    GIVEN = "given"
    WRONG = "wrong"
    LOCKED = "locked"


def _hash(session_id: int, code: str) -> str:
    return hashlib.sha256(f"{session_id}:{code}".encode()).hexdigest()


async def may_assist(session: AsyncSession, helper_id: int, member: Member) -> bool:
    return member.id != helper_id and await directory.can_manage_member(
        session, helper_id, member, HELPER_ROLES
    )


async def begin(
    session: AsyncSession, helper: Member, member: Member, now: datetime
) -> AssistSession:
    """Ask the member for consent: they get a code to read out and a button to press."""
    await session.execute(
        update(AssistSession)
        .where(AssistSession.helper_id == helper.id, AssistSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    code = f"{secrets.randbelow(10**4):04d}"
    row = AssistSession(
        helper_id=helper.id,
        member_id=member.id,
        code_hash="",
        created_at=now,
        expires_at=now + timedelta(minutes=SESSION_MINUTES),
    )
    session.add(row)
    await session.flush()
    row.code_hash = _hash(row.id, code)
    token = await notifications.action_token(session, member.id, "assist.consent", row.id, now)
    await notifications.notify(
        session,
        member.id,
        "assist.consent",
        {"helper": helper.full_name, "code": code, "tokens": [["consent", token]]},
        now,
    )
    audit.record(session, "assist.requested", f"member:{member.id}", helper.id)
    return row


async def consent_by_code(
    session: AsyncSession, row: AssistSession, code: str, now: datetime
) -> Consent:
    if row.failed_attempts >= MAX_ATTEMPTS or row.ended_at or row.expires_at <= now:
        return Consent.LOCKED
    if secrets.compare_digest(row.code_hash, _hash(row.id, code.strip())):
        _consent(session, row, "code", now)
        return Consent.GIVEN
    row.failed_attempts += 1
    return Consent.LOCKED if row.failed_attempts >= MAX_ATTEMPTS else Consent.WRONG


async def consent_by_member(
    session: AsyncSession, row: AssistSession, member_id: int, now: datetime
) -> bool:
    """The member pressed "Đồng ý" on their own phone."""
    if row.member_id != member_id or row.consented_at or row.ended_at or row.expires_at <= now:
        return False
    _consent(session, row, "button", now)
    return True


def _consent(session: AsyncSession, row: AssistSession, how: str, now: datetime) -> None:
    row.consented_at, row.consented_how = now, how
    audit.record(
        session, "assist.consented", f"member:{row.member_id}", row.member_id, {"how": how}
    )


async def active(session: AsyncSession, helper_id: int, now: datetime) -> AssistSession | None:
    """The helper's consented, unexpired session, if any."""
    return await session.scalar(
        select(AssistSession).where(
            AssistSession.helper_id == helper_id,
            AssistSession.ended_at.is_(None),
            AssistSession.consented_at.is_not(None),
            AssistSession.expires_at > now,
        )
    )


async def end(session: AsyncSession, row: AssistSession, now: datetime) -> None:
    row.ended_at = now
    audit.record(session, "assist.ended", f"member:{row.member_id}", row.helper_id)


async def tell_member(
    session: AsyncSession, member_id: int, helper: Member, what: str, now: datetime
) -> None:
    """Let the member know what was just done in their name."""
    await notifications.notify(
        session, member_id, "assist.done", {"helper": helper.full_name, "what": what}, now
    )
