"""Approvals: the one inbox of work waiting for a secretary or an office, for every procedure.

A procedure opens an approval when a step needs someone with a role; the holders get a prompt
with one-tap buttons (opaque tokens only they may press); the approval closes when acted on. The
SLA sweep reminds the approver once after a while and later escalates to the committee office
above, with the history — the same rule for every procedure.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import audit, directory, notifications
from partybot.services.sweeps import sweep
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import Approval, ApprovalStatus, Member, Role, RoleKind, Urgency

SLA_BATCH = 500


async def request(
    session: AsyncSession,
    *,
    kind: str,
    subject_id: int,
    org_id: int,
    params: dict[str, Any],
    now: datetime,
    actions: Sequence[str],
    roles: Sequence[str] = directory.APPROVER_ROLES,
) -> Approval:
    """Open an approval and prompt its holders; `actions` name the buttons ("write", "decline")."""
    approval = Approval(
        kind=kind,
        subject_id=subject_id,
        org_id=org_id,
        roles=list(roles),
        params={**params, "actions": list(actions)},
        created_at=now,
    )
    session.add(approval)
    await session.flush()
    if not await prompt(session, approval, now, "approval.prompt"):
        await escalate(session, approval, now)  # nobody holds the role: tell the office at once
    return approval


async def approvers(session: AsyncSession, approval: Approval) -> list[Member]:
    return await directory.nearest_holders(session, approval.org_id, approval.roles)


async def prompt(
    session: AsyncSession, approval: Approval, now: datetime, event: str, round_: str = ""
) -> int:
    """Send the approval's prompt (with each approver's own buttons) to every approver.

    Each (event, approval, approver, round) is queued once, so a sweep may run twice safely.
    """
    sent = 0
    for person in await approvers(session, approval):
        tokens = [
            [
                action,
                await notifications.action_token(
                    session, person.id, f"{approval.kind}.{action}", approval.subject_id, now
                ),
            ]
            for action in approval.params.get("actions", [])
        ]
        sent += await notifications.notify(
            session,
            person.id,
            event,
            {
                **approval.params,
                "kind": approval.kind,
                "approval_id": approval.id,
                "tokens": tokens,
            },
            now,
            Urgency.PROMPT,
            dedup_key=f"{event}:{approval.id}:{person.id}{round_}",
        )
    return sent


async def pending(session: AsyncSession, kind: str, subject_id: int) -> Approval | None:
    return await session.scalar(
        select(Approval).where(
            Approval.kind == kind,
            Approval.subject_id == subject_id,
            Approval.status == ApprovalStatus.PENDING,
        )
    )


async def can_act(session: AsyncSession, member_id: int, approval: Approval) -> bool:
    return await directory.holds_role_over(session, member_id, approval.org_id, approval.roles)


async def close(
    session: AsyncSession,
    kind: str,
    subject_id: int,
    actor_id: int | None,
    now: datetime,
    status: ApprovalStatus = ApprovalStatus.DONE,
) -> Approval | None:
    """Mark the pending approval of this subject decided; None when nothing was pending."""
    approval = await pending(session, kind, subject_id)
    if approval is None:
        return None
    approval.status, approval.decided_at, approval.decided_by_id = status, now, actor_id
    audit.record(
        session, f"approval.{status}", f"{kind}:{subject_id}", actor_id, {"approval": approval.id}
    )
    return approval


async def inbox(session: AsyncSession, member_id: int) -> list[Approval]:
    """Pending approvals this member may act on, oldest first."""
    held = (
        await session.execute(select(Role.org_id, Role.role).where(Role.member_id == member_id))
    ).all()
    if not held:
        return []
    org_ids: set[int] = set()
    for org_id, _role in held:
        org_ids.update(await directory.descendants(session, org_id))
    candidates = (
        await session.scalars(
            select(Approval)
            .where(Approval.status == ApprovalStatus.PENDING, Approval.org_id.in_(org_ids))
            .order_by(Approval.created_at, Approval.id)
        )
    ).all()
    return [a for a in candidates if await can_act(session, member_id, a)]


async def escalation_office(session: AsyncSession, approval: Approval) -> list[Member]:
    """The committee office above the approver's organisation."""
    org = await directory.organisation(session, approval.org_id)
    if org.parent_id is None:
        return []
    return await directory.nearest_holders(session, org.parent_id, [RoleKind.COMMITTEE_OFFICER])


async def remind_and_escalate(
    session: AsyncSession, now: datetime, remind_after: timedelta, escalate_after: timedelta
) -> int:
    """One batch of the SLA rule; returns how many approvals it touched."""
    due = (
        await session.scalars(
            select(Approval)
            .where(
                Approval.status == ApprovalStatus.PENDING,
                or_(
                    (Approval.reminded_at.is_(None)) & (Approval.created_at <= now - remind_after),
                    (Approval.escalated_at.is_(None))
                    & (Approval.created_at <= now - escalate_after),
                ),
            )
            .order_by(Approval.id)
            .limit(SLA_BATCH)
        )
    ).all()
    for approval in due:
        if approval.reminded_at is None:
            await prompt(session, approval, now, "approval.reminder")
            approval.reminded_at = now
        if approval.escalated_at is None and approval.created_at <= now - escalate_after:
            await escalate(session, approval, now)
    return len(due)


async def escalate(session: AsyncSession, approval: Approval, now: datetime) -> None:
    approval.escalated_at = now
    office = await escalation_office(session, approval)
    if office:
        approval.escalated_org_id = office[0].official_org_id
    waiting = [person.full_name for person in await approvers(session, approval)]
    org = await directory.organisation(session, approval.org_id)
    for person in office:
        await notifications.notify(
            session,
            person.id,
            "approval.escalated",
            {
                **approval.params,
                "kind": approval.kind,
                "approval_id": approval.id,
                "org": org.name,
                "approvers": waiting,
                "since": approval.created_at.isoformat(),
            },
            now,
            Urgency.PROMPT,
            dedup_key=f"approval.escalated:{approval.id}:{person.id}",
        )
    audit.record(
        session,
        "approval.escalated",
        f"{approval.kind}:{approval.subject_id}",
        None,
        {"approval": approval.id, "to": [p.id for p in office]},
    )


@sweep("approvals.sla", schedule="*/15 * * * *")
async def sla_sweep(db: Database, now: datetime, settings: Settings) -> int:
    """Remind approvers after APPROVAL_REMIND_HOURS, escalate after APPROVAL_ESCALATE_HOURS."""
    remind = timedelta(hours=settings.approval_remind_hours)
    escalate_after = timedelta(hours=settings.approval_escalate_hours)
    total = 0
    while True:
        async with db.transaction() as session:
            touched = await remind_and_escalate(session, now, remind, escalate_after)
        total += touched
        if touched < SLA_BATCH:
            return total
