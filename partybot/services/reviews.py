"""Residence reviews (Quy định 213-QĐ/TW): who may ask, the request, the residence cell's answer.

A working member, or their workplace secretary, asks the residence cell for comments on the
member's duties where they live. The residence secretary or deputy — found from roles by the
approvals machinery, which also reminds and escalates — writes the comments and signs, and the
signed document goes back to the workplace secretary and the member. This module holds the rules
and the state; the wording and the document's layout belong to the dialog layer.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, directory, files, notifications
from partybot.services.dues_categories import DuesCategory
from partybot.services.spreadsheets import read_table
from partybot.storage.models import (
    Approval,
    Member,
    MemberStatus,
    Organisation,
    ReviewDraft,
    ReviewEvent,
    ReviewRequest,
    ReviewStatus,
    Role,
    StoredFile,
)
from partybot.storage.queries import insert_ignoring_conflict

KIND = "review"  # the approval kind; its buttons are "review.write" and "review.decline"
ACTIONS = ("write", "decline")
# A member on a pension is retired and belongs to the residence cell itself (QĐ 213 is for
# members still at work); so is one on the state social pension.
RETIRED_CATEGORIES = frozenset({DuesCategory.PENSION, DuesCategory.SOCIAL_PENSION})
MAX_DUTIES = 12
MAX_DUTY_CHARS = 220
CELL_COMMITTEE_MIN = 9  # official members from which a chi bộ elects a chi ủy
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
DUTY_HEADERS = ("Mã", "Nội dung")


class Answer(StrEnum):
    GOOD = "good"  # Tốt
    POOR = "poor"  # Chưa tốt
    UNKNOWN = "unknown"  # Không rõ


@dataclass(frozen=True)
class Duty:
    code: str
    text: str


@cache
def load_duties(path: Path | None = None) -> tuple[Duty, ...]:
    """The duties the residence cell answers on: a CSV/XLSX table with columns Mã, Nội dung.

    Without a path, the packaged list (the duties readable in the public sources). Raises
    ValueError on an unusable file, so a bad configuration stops the app at start.
    """
    source: Path | bytes = path or (
        resources.files("partybot.services.data").joinpath("review_duties.csv").read_bytes()
    )
    rows = read_table(source, DUTY_HEADERS)
    found = tuple(Duty(str(row["Mã"] or ""), str(row["Nội dung"] or "")) for row in rows)
    if not 1 <= len(found) <= MAX_DUTIES:
        raise ValueError(f"the duty list needs 1 to {MAX_DUTIES} rows, it has {len(found)}")
    for duty in found:
        if not duty.code or not duty.text or len(duty.text) > MAX_DUTY_CHARS:
            raise ValueError(f"duty {duty.code!r}: needs a code and 1-{MAX_DUTY_CHARS} characters")
    if len({duty.code for duty in found}) != len(found):
        raise ValueError("duty codes must be unique")
    return found


class Ineligible(StrEnum):
    NO_RESIDENCE = "no_residence"  # not attached to a residence cell in the roster
    RETIRED = "retired"  # a retiree: belongs to the residence cell, no review
    SAME_CELL = "same_cell"  # lives where they are a member: nothing to ask


def ineligibility(member: Member) -> Ineligible | None:
    """Why this member cannot have a residence review, or None when they can.

    A working member is one whose dues category is not a pension (an unknown category counts as
    working) and who has a residence cell other than their own cell.
    """
    if member.dues_category in RETIRED_CATEGORIES:
        return Ineligible.RETIRED
    if member.residence_org_id is None:
        return Ineligible.NO_RESIDENCE
    if member.residence_org_id == member.official_org_id:
        return Ineligible.SAME_CELL
    return None


class Refusal(StrEnum):
    INELIGIBLE = "ineligible"
    OPEN = "open"  # a request for this year is already waiting
    SIGNED = "signed"  # this year's review is already signed
    NOT_ALLOWED = "not_allowed"  # the actor holds no role that lets them do this
    HANDLED = "handled"  # the request is no longer waiting
    OWN = "own"  # nobody writes their own review


class ReviewRefused(Exception):
    """The action is not possible; `request` is the request concerned when there is one."""

    def __init__(
        self,
        refusal: Refusal,
        request: ReviewRequest | None = None,
        ineligible: Ineligible | None = None,
    ) -> None:
        super().__init__(refusal)
        self.refusal = refusal
        self.request = request
        self.ineligible = ineligible


# -- reading -------------------------------------------------------------------------------------


async def get(session: AsyncSession, request_id: int) -> ReviewRequest | None:
    return await session.get(ReviewRequest, request_id)


async def current(session: AsyncSession, member_id: int, year: int) -> ReviewRequest | None:
    """This member's waiting or signed request for the year (a declined one does not count)."""
    return await session.scalar(
        select(ReviewRequest)
        .where(
            ReviewRequest.member_id == member_id,
            ReviewRequest.year == year,
            ReviewRequest.status.in_([ReviewStatus.REQUESTED, ReviewStatus.SIGNED]),
        )
        .order_by(ReviewRequest.id.desc())
        .limit(1)
    )


async def waiting(session: AsyncSession, member_id: int) -> ReviewRequest | None:
    """The member's request still waiting for the residence cell, whatever its year."""
    return await session.scalar(
        select(ReviewRequest)
        .where(
            ReviewRequest.member_id == member_id,
            ReviewRequest.status == ReviewStatus.REQUESTED,
        )
        .order_by(ReviewRequest.id.desc())
        .limit(1)
    )


async def approval_of(session: AsyncSession, request: ReviewRequest) -> Approval | None:
    return await session.scalar(
        select(Approval)
        .where(Approval.kind == KIND, Approval.subject_id == request.id)
        .order_by(Approval.id.desc())
        .limit(1)
    )


async def role_over(
    session: AsyncSession, member_id: int, org_id: int
) -> tuple[str, Organisation] | None:
    """The approver role this member holds in the organisation or the nearest one above it."""
    for org in await directory.ancestors(session, org_id):
        held = (
            await session.scalars(
                select(Role.role).where(
                    Role.member_id == member_id,
                    Role.org_id == org.id,
                    Role.role.in_(list(directory.APPROVER_ROLES)),
                )
            )
        ).all()
        for role in directory.APPROVER_ROLES:
            if role in held:
                return role, org
    return None


async def approvers(session: AsyncSession, request: ReviewRequest) -> list[tuple[Member, str]]:
    """Who was asked to write this review, with the role each holds (secretary first)."""
    approval = await approval_of(session, request)
    if approval is None:
        return []
    found = []
    for person in await approvals.approvers(session, approval):
        held = await role_over(session, person.id, request.residence_org_id)
        if held is not None:
            found.append((person, held[0]))
    return found


async def workplace_secretaries(session: AsyncSession, member: Member) -> list[Member]:
    """Who hears about the member's review at their workplace (and whom they can ask)."""
    return await directory.nearest_holders(session, member.official_org_id)


# -- asking --------------------------------------------------------------------------------------


async def can_request_for(session: AsyncSession, actor_id: int, member: Member) -> bool:
    """The member themselves, or a secretary/deputy of their workplace cell (or above)."""
    if actor_id == member.id:
        return True
    return await directory.holds_role_over(
        session, actor_id, member.official_org_id, directory.APPROVER_ROLES
    )


async def requestable_members(session: AsyncSession, actor_id: int) -> list[Member]:
    """Members a workplace secretary may ask a review for: working members of their cells."""
    org_ids: set[int] = set()
    held = await session.scalars(
        select(Role.org_id).where(
            Role.member_id == actor_id, Role.role.in_(list(directory.APPROVER_ROLES))
        )
    )
    for org_id in held.all():
        org_ids.update(await directory.descendants(session, org_id))
    if not org_ids:
        return []
    members = await session.scalars(
        select(Member)
        .where(Member.official_org_id.in_(org_ids), Member.residence_org_id.is_not(None))
        .order_by(Member.full_name, Member.id)
    )
    return [m for m in members.all() if ineligibility(m) is None]


async def _prompt_params(session: AsyncSession, member: Member, year: int, note: str) -> dict:
    assert member.residence_org_id is not None
    residence = await directory.organisation(session, member.residence_org_id)
    workplace = await directory.organisation(session, member.official_org_id)
    return {
        "name": member.full_name,
        "birth_year": member.birth_date.year if member.birth_date else None,
        "card": member.card_number,
        "residence": residence.name,
        "workplace": workplace.name,
        "year": year,
        "note": note,
    }


async def submit(
    session: AsyncSession,
    member: Member,
    year: int,
    note: str,
    requested_by: Member,
    now: datetime,
) -> ReviewRequest:
    """Open the request and prompt the residence approvers; ReviewRefused when it cannot be."""
    reason = ineligibility(member)
    if reason is not None:
        raise ReviewRefused(Refusal.INELIGIBLE, ineligible=reason)
    if not await can_request_for(session, requested_by.id, member):
        raise ReviewRefused(Refusal.NOT_ALLOWED)
    found = await current(session, member.id, year)
    if found is not None:
        signed = found.status == ReviewStatus.SIGNED
        raise ReviewRefused(Refusal.SIGNED if signed else Refusal.OPEN, found)
    assert member.residence_org_id is not None
    written = await insert_ignoring_conflict(
        session,
        ReviewRequest,
        {
            "member_id": member.id,
            "workplace_org_id": member.official_org_id,
            "residence_org_id": member.residence_org_id,
            "year": year,
            "status": ReviewStatus.REQUESTED,
            "note": note or None,
            "requested_by_id": requested_by.id,
            "requested_at": now,
            "answers": [],
        },
    )
    request = await current(session, member.id, year)
    assert request is not None
    if not written:  # another tap or worker opened it a moment ago
        raise ReviewRefused(Refusal.OPEN, request)
    await approvals.request(
        session,
        kind=KIND,
        subject_id=request.id,
        org_id=request.residence_org_id,
        params={**await _prompt_params(session, member, year, note), "request_id": request.id},
        now=now,
        actions=ACTIONS,
    )
    on_behalf = requested_by.id != member.id
    _event(session, request, now, requested_by.id, "requested", {"on_behalf": on_behalf})
    audit.record(
        session,
        "review.requested",
        f"review:{request.id}",
        requested_by.id,
        {"year": year},
        on_behalf_of_id=member.id if on_behalf else None,
    )
    if on_behalf:
        await notifications.notify(
            session,
            member.id,
            "review.requested_for_you",
            {"by": requested_by.full_name, "year": year, "request_id": request.id},
            now,
            dedup_key=f"review.requested_for_you:{request.id}",
        )
    return request


async def report_wrong_cells(
    session: AsyncSession, member: Member, text: str, actor: Member, now: datetime
) -> list[Member]:
    """The member says the roster's cells are wrong: tell their workplace secretaries."""
    residence = (
        (await directory.organisation(session, member.residence_org_id)).name
        if member.residence_org_id
        else None
    )
    workplace = await directory.organisation(session, member.official_org_id)
    told = [p for p in await workplace_secretaries(session, member) if p.id != actor.id]
    for person in told:
        await notifications.notify(
            session,
            person.id,
            "review.cells_wrong",
            {
                "name": member.full_name,
                "phone": member.phone or "",
                "residence": residence,
                "workplace": workplace.name,
                "text": text,
            },
            now,
        )
    audit.record(session, "review.cells_wrong", f"member:{member.id}", actor.id, {"text": text})
    return told


# -- answering -----------------------------------------------------------------------------------


async def can_review(session: AsyncSession, actor_id: int, request: ReviewRequest) -> bool:
    """A secretary or deputy of the residence cell (or above it), never the member themselves."""
    if actor_id == request.member_id:
        return False
    return await directory.holds_role_over(
        session, actor_id, request.residence_org_id, directory.APPROVER_ROLES
    )


async def writable(session: AsyncSession, request_id: int, actor_id: int) -> ReviewRequest:
    """The request, if it is still waiting and this actor may answer it; else ReviewRefused."""
    request = await get(session, request_id)
    if request is None:
        raise ReviewRefused(Refusal.HANDLED)
    if actor_id == request.member_id:
        raise ReviewRefused(Refusal.OWN, request)
    if not await can_review(session, actor_id, request):
        raise ReviewRefused(Refusal.NOT_ALLOWED, request)
    if request.status != ReviewStatus.REQUESTED:
        raise ReviewRefused(Refusal.HANDLED, request)
    return request


async def load_draft(session: AsyncSession, request_id: int, author_id: int) -> dict[str, Any]:
    draft = await session.scalar(
        select(ReviewDraft).where(
            ReviewDraft.request_id == request_id, ReviewDraft.author_id == author_id
        )
    )
    return dict(draft.data) if draft else {}


async def save_draft(
    session: AsyncSession, request_id: int, author_id: int, data: dict[str, Any], now: datetime
) -> None:
    """Keep the half-written form (safe when two updates of one writer race)."""
    values = {"data": data, "updated_at": now}
    written = await insert_ignoring_conflict(
        session, ReviewDraft, {"request_id": request_id, "author_id": author_id, **values}
    )
    if not written:
        await session.execute(
            update(ReviewDraft)
            .where(ReviewDraft.request_id == request_id, ReviewDraft.author_id == author_id)
            .values(**values)
        )


async def opened(
    session: AsyncSession, request: ReviewRequest, actor_id: int, now: datetime
) -> dict[str, Any]:
    """The writer opens the form: their saved draft (the first opening goes into the history)."""
    draft = await session.scalar(
        select(ReviewDraft).where(
            ReviewDraft.request_id == request.id, ReviewDraft.author_id == actor_id
        )
    )
    if draft is None:
        _event(session, request, now, actor_id, "opened")
        await save_draft(session, request.id, actor_id, {}, now)
        return {}
    return dict(draft.data)


async def has_cell_committee(session: AsyncSession, org_id: int) -> bool:
    """A chi bộ with 9 or more official members has a chi ủy (Điều lệ Đảng)."""
    count = await session.scalar(
        select(func.count(Member.id)).where(
            Member.official_org_id == org_id, Member.status == MemberStatus.OFFICIAL
        )
    )
    return (count or 0) >= CELL_COMMITTEE_MIN


def _verification_code(year: int) -> str:
    tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"NX{year % 100:02d}-{tail}"


async def _decide(session: AsyncSession, request: ReviewRequest, values: dict[str, Any]) -> None:
    """Move a waiting request on, atomically: of two writers pressing at once, one wins."""
    done = await session.execute(
        update(ReviewRequest)
        .where(ReviewRequest.id == request.id, ReviewRequest.status == ReviewStatus.REQUESTED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise ReviewRefused(Refusal.HANDLED, request)
    await session.refresh(request)
    await session.execute(delete(ReviewDraft).where(ReviewDraft.request_id == request.id))


async def sign(
    session: AsyncSession,
    request_id: int,
    actor: Member,
    answers: Sequence[tuple[Duty, Answer]],
    front_consulted: bool,
    comments: str,
    now: datetime,
) -> ReviewRequest:
    """Record the signed comments; the caller renders the document and calls `deliver`."""
    request = await writable(session, request_id, actor.id)
    held = await role_over(session, actor.id, request.residence_org_id)
    if held is None:
        raise ReviewRefused(Refusal.NOT_ALLOWED, request)
    role, org = held
    await _decide(
        session,
        request,
        {
            "status": ReviewStatus.SIGNED,
            "decided_at": now,
            "decided_by_id": actor.id,
            "signer_name": actor.full_name,
            "signer_role": role,
            "signer_org_id": org.id,
            "has_cell_committee": await has_cell_committee(session, request.residence_org_id),
            "answers": [
                {"code": duty.code, "text": duty.text, "answer": str(answer)}
                for duty, answer in answers
            ],
            "front_consulted": front_consulted,
            "comments": comments or None,
            "verification_code": _verification_code(request.year),
            "turnaround_seconds": int((now - request.requested_at).total_seconds()),
        },
    )
    await approvals.close(session, KIND, request.id, actor.id, now)
    _event(session, request, now, actor.id, "signed", {"code": request.verification_code})
    audit.record(session, "review.signed", f"review:{request.id}", actor.id)
    return request


async def decline(
    session: AsyncSession, request_id: int, actor: Member, reason: str, now: datetime
) -> ReviewRequest:
    """The residence side cannot comment: close the request and tell the member and workplace."""
    request = await writable(session, request_id, actor.id)
    await _decide(
        session,
        request,
        {
            "status": ReviewStatus.DECLINED,
            "decided_at": now,
            "decided_by_id": actor.id,
            "signer_name": actor.full_name,
            "decline_reason": reason,
        },
    )
    await approvals.close(session, KIND, request.id, actor.id, now)
    _event(session, request, now, actor.id, "declined", {"reason": reason})
    audit.record(session, "review.declined", f"review:{request.id}", actor.id, {"reason": reason})
    member = await directory.member(session, request.member_id)
    params = {
        **await _prompt_params(session, member, request.year, ""),
        "by": actor.full_name,
        "reason": reason,
        "request_id": request.id,
    }
    for person, event in await _recipients(session, member):
        await notifications.notify(
            session,
            person.id,
            f"review.declined{event}",
            params,
            now,
            dedup_key=f"review.declined{event}:{request.id}:{person.id}",
        )
    return request


async def _recipients(session: AsyncSession, member: Member) -> list[tuple[Member, str]]:
    """The workplace secretaries ("" event suffix) and the member ("_member" suffix)."""
    secretaries = [p for p in await workplace_secretaries(session, member) if p.id != member.id]
    return [*((p, "") for p in secretaries), (member, "_member")]


async def store_document(
    session: AsyncSession, request: ReviewRequest, pdf: bytes, filename: str, now: datetime
) -> StoredFile:
    return await files.store(
        session, pdf, filename, "application/pdf", now, member_id=request.member_id
    )


async def deliver(
    session: AsyncSession, request: ReviewRequest, document: StoredFile, now: datetime
) -> list[Member]:
    """Send the signed document to the workplace secretaries and the member; returns them."""
    member = await directory.member(session, request.member_id)
    params = {
        **await _prompt_params(session, member, request.year, ""),
        "signer": request.signer_name,
        "signed_at": request.decided_at.isoformat() if request.decided_at else None,
        "code": request.verification_code,
        "file_token": document.token,
        "filename": document.filename,
        "request_id": request.id,
    }
    told = []
    for person, event in await _recipients(session, member):
        await notifications.notify(
            session,
            person.id,
            f"review.signed{event}",
            params,
            now,
            dedup_key=f"review.signed{event}:{request.id}:{person.id}",
        )
        told.append(person)
    _event(session, request, now, None, "delivered", {"to": [p.id for p in told]})
    return told


# -- following up --------------------------------------------------------------------------------


async def managed_workplaces(session: AsyncSession, actor_id: int) -> list[int]:
    """Organisations whose members' requests this actor may follow (their cells and below)."""
    held = await session.scalars(
        select(Role.org_id).where(
            Role.member_id == actor_id, Role.role.in_(list(directory.MANAGER_ROLES))
        )
    )
    org_ids: set[int] = set()
    for org_id in held.all():
        org_ids.update(await directory.descendants(session, org_id))
    return sorted(org_ids)


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    action: str  # requested, opened, signed, declined, delivered, reminded, escalated
    actor: str | None


@dataclass(frozen=True)
class ReviewRow:
    request: ReviewRequest
    member: Member
    workplace: str
    residence: str
    history: list[HistoryItem]


async def history(session: AsyncSession, request: ReviewRequest) -> list[HistoryItem]:
    """Who did what when: the request's events plus the approval's reminder and escalation."""
    rows = (
        await session.execute(
            select(ReviewEvent, Member.full_name)
            .outerjoin(Member, Member.id == ReviewEvent.actor_id)
            .where(ReviewEvent.request_id == request.id)
            .order_by(ReviewEvent.at, ReviewEvent.id)
        )
    ).all()
    items = [HistoryItem(event.at, event.action, name) for event, name in rows]
    approval = await approval_of(session, request)
    if approval is not None:
        if approval.reminded_at is not None:
            items.append(HistoryItem(approval.reminded_at, "reminded", None))
        if approval.escalated_at is not None:
            items.append(HistoryItem(approval.escalated_at, "escalated", None))
    rank = {"requested": 0, "reminded": 1, "escalated": 1}  # for steps at the same instant
    return sorted(items, key=lambda item: (item.at, rank.get(item.action, 2)))


async def report(session: AsyncSession, org_ids: Sequence[int], year: int) -> list[ReviewRow]:
    """Every request of members of these workplace organisations for the year, oldest first."""
    if not org_ids:
        return []
    requests = (
        await session.scalars(
            select(ReviewRequest)
            .where(
                ReviewRequest.workplace_org_id.in_(list(org_ids)),
                ReviewRequest.year == year,
            )
            .order_by(ReviewRequest.requested_at, ReviewRequest.id)
        )
    ).all()
    names = {
        org.id: org.name
        for org in (
            await session.scalars(
                select(Organisation).where(
                    Organisation.id.in_(
                        {r.workplace_org_id for r in requests}
                        | {r.residence_org_id for r in requests}
                    )
                )
            )
        ).all()
    }
    rows = []
    for request in requests:
        member = await directory.member(session, request.member_id)
        rows.append(
            ReviewRow(
                request,
                member,
                names[request.workplace_org_id],
                names[request.residence_org_id],
                await history(session, request),
            )
        )
    return rows


def _event(
    session: AsyncSession,
    request: ReviewRequest,
    now: datetime,
    actor_id: int | None,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        ReviewEvent(
            request_id=request.id, at=now, actor_id=actor_id, action=action, details=details or {}
        )
    )
