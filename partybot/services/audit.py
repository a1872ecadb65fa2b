"""The audit log: every domain change records who did it, for whom, and what changed.

While a helper acts for a member (services.assist), the engine marks the turn with
`acting_for`; every record then names the helper as the actor and the member as the person it
was done for, without each procedure having to know.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.storage.models import AuditEntry

_acting: ContextVar[tuple[int, int] | None] = ContextVar("acting_for", default=None)


@contextmanager
def acting_for(helper_id: int, member_id: int) -> Iterator[None]:
    token = _acting.set((helper_id, member_id))
    try:
        yield
    finally:
        _acting.reset(token)


def record(
    session: AsyncSession,
    action: str,
    subject: str,
    actor_id: int | None,
    details: dict[str, Any] | None = None,
    on_behalf_of_id: int | None = None,
) -> None:
    """Add an audit row to the caller's transaction (it commits with the change it describes)."""
    acting = _acting.get()
    if acting is not None and actor_id == acting[1]:
        actor_id, on_behalf_of_id = acting
    session.add(
        AuditEntry(
            actor_id=actor_id,
            on_behalf_of_id=on_behalf_of_id,
            action=action,
            subject=subject,
            details=details or {},
        )
    )
