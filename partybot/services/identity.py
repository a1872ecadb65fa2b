"""Linking a channel account to a roster member: shared contact, or a one-time invite code.

The short code (6 digits) is typed after the phone number; the long token goes in a Telegram deep
link or as a first Zalo message. Both are single-use, expire, and are stored only as hashes; the
short code also locks after a few wrong tries, which is what makes 6 digits safe enough.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import audit
from partybot.storage.models import ChannelAccount, InviteCode, Member

TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
TOKEN_LENGTH = 10


@dataclass(frozen=True)
class IssuedInvite:
    code: str
    token: str
    expires_at: datetime


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NONE = "none"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_hash(member_id: int, code: str) -> str:
    return _hash(f"{member_id}:{code}")


def normalise_token(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


async def issue_invite(
    session: AsyncSession, member: Member, issued_by_id: int | None, now: datetime, ttl_hours: int
) -> IssuedInvite:
    """A fresh code for the member; earlier unused codes of theirs stop working."""
    await session.execute(
        update(InviteCode)
        .where(InviteCode.member_id == member.id, InviteCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    expires_at = now + timedelta(hours=ttl_hours)
    session.add(
        InviteCode(
            member_id=member.id,
            code_hash=_code_hash(member.id, code),
            token_hash=_hash(token),
            issued_by_id=issued_by_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    audit.record(session, "invite.issued", f"member:{member.id}", issued_by_id)
    return IssuedInvite(code, token, expires_at)


async def _live_invite(session: AsyncSession, member_id: int, now: datetime) -> InviteCode | None:
    return await session.scalar(
        select(InviteCode)
        .where(
            InviteCode.member_id == member_id,
            InviteCode.used_at.is_(None),
            InviteCode.expires_at > now,
        )
        .order_by(InviteCode.id.desc())
        .limit(1)
    )


async def check_code(
    session: AsyncSession, member: Member, code: str, now: datetime, max_attempts: int
) -> CodeCheck:
    """Check the short code; a wrong one counts against the invite, which locks at the limit."""
    invite = await _live_invite(session, member.id, now)
    if invite is None:
        return CodeCheck.NONE
    if invite.failed_attempts >= max_attempts:
        return CodeCheck.LOCKED
    if secrets.compare_digest(invite.code_hash, _code_hash(member.id, code)):
        invite.used_at = now
        return CodeCheck.OK
    invite.failed_attempts += 1
    return CodeCheck.LOCKED if invite.failed_attempts >= max_attempts else CodeCheck.WRONG


async def attempts_left(
    session: AsyncSession, member: Member, now: datetime, max_attempts: int
) -> int:
    invite = await _live_invite(session, member.id, now)
    return 0 if invite is None else max(0, max_attempts - invite.failed_attempts)


async def redeem_token(session: AsyncSession, token: str, now: datetime) -> Member | None:
    """The member a long invite token belongs to, marking it used; None if unknown or expired."""
    invite = await session.scalar(
        select(InviteCode).where(InviteCode.token_hash == _hash(normalise_token(token)))
    )
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    invite.used_at = now
    return await session.get(Member, invite.member_id)


def looks_like_token(text: str) -> bool:
    candidate = normalise_token(text)
    return len(candidate) == TOKEN_LENGTH and all(ch in TOKEN_ALPHABET for ch in candidate)


async def link(
    session: AsyncSession, account: ChannelAccount, member: Member, how: str, now: datetime
) -> None:
    """Bind the account to the member; an account already bound to them elsewhere stays bound."""
    account.member_id = member.id
    account.verified_by = how
    account.verified_at = now
    account.unreachable_at = None
    audit.record(
        session,
        "account.linked",
        f"member:{member.id}",
        member.id,
        {"channel": account.channel, "how": how},
    )
