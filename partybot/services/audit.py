"""The audit log: every domain change records who did it, for whom, and what changed."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.storage.models import AuditEntry


def record(
    session: AsyncSession,
    action: str,
    subject: str,
    actor_id: int | None,
    details: dict[str, Any] | None = None,
    on_behalf_of_id: int | None = None,
) -> None:
    """Add an audit row to the caller's transaction (it commits with the change it describes)."""
    session.add(
        AuditEntry(
            actor_id=actor_id,
            on_behalf_of_id=on_behalf_of_id,
            action=action,
            subject=subject,
            details=details or {},
        )
    )
