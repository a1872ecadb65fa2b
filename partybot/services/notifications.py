"""Queue notices for members (delivered after commit by the outbox worker) and mint button ids.

A notice is an event name with parameters; its text is rendered at delivery time by the dialog
layer, so services never hold user-facing wording.
"""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.storage.models import ActionToken, OutboxMessage, Urgency
from partybot.storage.queries import insert_ignoring_conflict

TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


async def notify(
    session: AsyncSession,
    member_id: int,
    event: str,
    params: dict[str, Any],
    now: datetime,
    urgency: Urgency = Urgency.PROMPT,
    dedup_key: str | None = None,
    available_at: datetime | None = None,
) -> bool:
    """Queue one notice in the caller's transaction; False when the dedup key was already used."""
    return await insert_ignoring_conflict(
        session,
        OutboxMessage,
        {
            "member_id": member_id,
            "event": event,
            "params": params,
            "urgency": urgency,
            "dedup_key": dedup_key,
            "available_at": available_at or now,
            "created_at": now,
        },
    )


async def action_token(
    session: AsyncSession, member_id: int, action: str, subject_id: int, now: datetime
) -> str:
    """A short opaque id for a button that only `member_id` may press, acting on `subject_id`."""
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(12))
    session.add(
        ActionToken(
            token=token, member_id=member_id, action=action, subject_id=subject_id, created_at=now
        )
    )
    return token


async def resolve_token(session: AsyncSession, token: str) -> ActionToken | None:
    return await session.get(ActionToken, token)
