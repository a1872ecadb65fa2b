"""Announcements from a secretary or a committee office to the members of their organisation.

An announcement becomes one outbox row per member the bot can reach, queued with a single
INSERT … SELECT in the sender's transaction, so a ward's worth of rows costs one statement. The
rows go through the same worker, limits and quiet hours as reminders; members with no reachable
channel are counted, not queued, so the sender knows whom to tell in person. Progress is read
from the rows; a sweep tells the sender once everything has been tried.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, String, cast, exists, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import audit, directory, notifications, outbox, reachability
from partybot.services.sweeps import sweep
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    Broadcast,
    ChannelAccount,
    Member,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Role,
    RoleKind,
    Urgency,
)
from partybot.storage.models.base import JSONType

BROADCAST_ROLES = (RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY, RoleKind.COMMITTEE_OFFICER)
EVENT = "broadcast"
FINISHED_EVENT = "broadcast.finished"
REPORT_BATCH = 100


class NotAllowed(Exception):
    """The member holds no role that lets them announce to this organisation."""


@dataclass(frozen=True)
class Audience:
    reachable: int  # will get the announcement
    unreachable: int  # no channel the bot can use: to be told in person


@dataclass(frozen=True)
class Progress:
    recipients: int
    queued: int  # not yet delivered (waiting, held for quiet hours, or retrying)
    sent: int
    failed: int  # dead rows: blocked since, or refused
    skipped: int  # had no reachable channel when it was sent

    @property
    def finished(self) -> bool:
        return self.queued == 0


async def organisations(session: AsyncSession, member_id: int) -> list[Organisation]:
    """Where this member may announce: each organisation they hold a broadcasting role in."""
    rows = await session.scalars(
        select(Organisation)
        .join(Role, Role.org_id == Organisation.id)
        .where(Role.member_id == member_id, Role.role.in_(list(BROADCAST_ROLES)))
        .distinct()
        .order_by(Organisation.id)
    )
    return list(rows)


def _members_of(org_ids: list[int], sender_id: int) -> list[ColumnElement[bool]]:
    return [
        or_(Member.official_org_id.in_(org_ids), Member.residence_org_id.in_(org_ids)),
        Member.id != sender_id,
    ]


def _reachable_member() -> ColumnElement[bool]:
    return exists().where(ChannelAccount.member_id == Member.id, reachability.reachable_clause())


async def audience(session: AsyncSession, org_id: int, sender_id: int) -> Audience:
    """Who an announcement to the organisation (and everything below it) would reach."""
    org_ids = await directory.descendants(session, org_id)
    reachable = _reachable_member()
    total, reached = (
        await session.execute(
            select(func.count(), func.count().filter(reachable)).where(
                *_members_of(org_ids, sender_id)
            )
        )
    ).one()
    return Audience(int(reached), int(total) - int(reached))


def params_for(org_name: str, sender_name: str, text: str) -> dict[str, str]:
    """What the announcement's notice renders from (also used for the sender's preview)."""
    return {"org": org_name, "sender": sender_name, "text": text}


async def send(
    session: AsyncSession, sender: Member, org_id: int, text: str, now: datetime
) -> Broadcast:
    """Queue the announcement for every reachable member; raises NotAllowed."""
    if not await directory.holds_role_over(session, sender.id, org_id, BROADCAST_ROLES):
        raise NotAllowed(f"member {sender.id} may not announce to organisation {org_id}")
    org = await directory.organisation(session, org_id)
    org_ids = await directory.descendants(session, org_id)
    counted = await audience(session, org_id, sender.id)
    broadcast = Broadcast(
        org_id=org_id, sender_id=sender.id, text=text, skipped=counted.unreachable, created_at=now
    )
    session.add(broadcast)
    await session.flush()
    params = params_for(org.name, sender.full_name, text)
    rows = select(
        Member.id,
        literal(EVENT),
        literal(params, JSONType),
        literal(Urgency.REMINDER.value),
        literal(f"{EVENT}:{broadcast.id}:") + cast(Member.id, String),
        literal(OutboxStatus.PENDING.value),
        literal(0),
        literal(now, OutboxMessage.available_at.type),
        literal(now, OutboxMessage.created_at.type),
        literal(broadcast.id),
    ).where(*_members_of(org_ids, sender.id), _reachable_member())
    columns = [
        "member_id",
        "event",
        "params",
        "urgency",
        "dedup_key",
        "status",
        "attempts",
        "available_at",
        "created_at",
        "broadcast_id",
    ]
    result = await session.execute(insert(OutboxMessage).from_select(columns, rows))
    broadcast.recipients = int(result.rowcount)
    await outbox.refresh_statistics(session, broadcast.recipients)
    audit.record(
        session,
        "broadcast.sent",
        f"organisation:{org_id}",
        sender.id,
        {
            "broadcast": broadcast.id,
            "recipients": broadcast.recipients,
            "skipped": broadcast.skipped,
        },
    )
    return broadcast


async def progress(session: AsyncSession, broadcast: Broadcast) -> Progress:
    counts = dict(
        (
            await session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.broadcast_id == broadcast.id)
                .group_by(OutboxMessage.status)
            )
        ).all()
    )
    return Progress(
        recipients=broadcast.recipients,
        queued=int(counts.get(OutboxStatus.PENDING, 0)),
        sent=int(counts.get(OutboxStatus.SENT, 0)),
        failed=int(counts.get(OutboxStatus.DEAD, 0)),
        skipped=broadcast.skipped,
    )


async def recent(
    session: AsyncSession, sender_id: int, limit: int = 3
) -> list[tuple[Broadcast, Progress]]:
    """The sender's latest announcements with their progress, newest first."""
    found = await session.scalars(
        select(Broadcast)
        .where(Broadcast.sender_id == sender_id)
        .order_by(Broadcast.id.desc())
        .limit(limit)
    )
    return [(broadcast, await progress(session, broadcast)) for broadcast in found]


@sweep("broadcasts.report", schedule="* * * * *")
async def report_finished(db: Database, now: datetime, settings: Settings) -> int:
    """Tell each sender, once, when every row of their announcement has been tried."""
    told = 0
    async with db.transaction() as session:
        open_ones = await session.scalars(
            select(Broadcast)
            .where(
                Broadcast.finished_at.is_(None),
                ~exists().where(
                    OutboxMessage.broadcast_id == Broadcast.id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                ),
            )
            .order_by(Broadcast.id)
            .limit(REPORT_BATCH)
        )
        for broadcast in open_ones.all():
            broadcast.finished_at = now
            if broadcast.sender_id is None:
                continue
            done = await progress(session, broadcast)
            told += await notifications.notify(
                session,
                broadcast.sender_id,
                FINISHED_EVENT,
                {
                    "text": broadcast.text,
                    "sent": done.sent,
                    "failed": done.failed,
                    "skipped": done.skipped,
                },
                now,
                Urgency.PROMPT,
                dedup_key=f"{FINISHED_EVENT}:{broadcast.id}",
            )
    return told
