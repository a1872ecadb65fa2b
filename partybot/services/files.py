"""Files handed to channels (QR images, PDF documents), kept for a while under a secret name."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.storage.models import StoredFile


async def store(
    session: AsyncSession,
    data: bytes,
    filename: str,
    content_type: str,
    now: datetime,
    member_id: int | None = None,
    keep_days: int = 30,
) -> StoredFile:
    stored = StoredFile(
        token=secrets.token_urlsafe(32),
        filename=filename,
        content_type=content_type,
        data=data,
        member_id=member_id,
        created_at=now,
        expires_at=now + timedelta(days=keep_days),
    )
    session.add(stored)
    await session.flush()
    return stored


async def by_token(session: AsyncSession, token: str, now: datetime) -> StoredFile | None:
    return await session.scalar(
        select(StoredFile).where(StoredFile.token == token, StoredFile.expires_at > now)
    )
