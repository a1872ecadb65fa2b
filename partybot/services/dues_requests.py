"""Requests about the amount itself: a member's changed base (the treasurer confirms it) and an
application for exemption or reduction (the secretary decides). Nothing changes before that."""

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, directory, notifications
from partybot.services.dues import (
    DUES_ROLES,
    current_month,
    facts_for,
    person_params,
    reprice_open,
)
from partybot.services.dues_rules import (
    add_months,
    compute,
    load_rules,
)
from partybot.settings import Settings
from partybot.storage.models import (
    DuesExemption,
    DuesRequest,
    Member,
    RequestStatus,
    Urgency,
)


async def pending_request(session: AsyncSession, member_id: int, kind: str) -> DuesRequest | None:
    return await session.scalar(
        select(DuesRequest).where(
            DuesRequest.member_id == member_id,
            DuesRequest.kind == kind,
            DuesRequest.status == RequestStatus.PENDING,
        )
    )


async def request_base_change(
    session: AsyncSession, settings: Settings, member: Member, base: int, now: datetime
) -> DuesRequest:
    """The member reports a new base; it applies only once the treasurer confirms it."""
    month = current_month(now, settings)
    rules = await load_rules(session)
    facts = await facts_for(session, member)
    new_amount = compute(rules, replace(facts, base=base), month).amount
    request = DuesRequest(
        member_id=member.id,
        kind="base",
        params={
            "base": base,
            "old_base": member.dues_base,
            "category": member.dues_category,
            "from_month": month.isoformat(),
            "amount": new_amount,
        },
        created_at=now,
    )
    session.add(request)
    await session.flush()
    await approvals.request(
        session,
        kind="dues.base",
        subject_id=request.id,
        org_id=member.official_org_id,
        params={**person_params(member), **request.params},
        now=now,
        actions=["approve", "decline"],
        roles=DUES_ROLES,
    )
    audit.record(session, "dues.base_reported", f"member:{member.id}", member.id, request.params)
    return request


async def request_exemption(
    session: AsyncSession,
    settings: Settings,
    member: Member,
    percent: int,
    reason: str,
    months: int,
    note: str,
    now: datetime,
) -> DuesRequest:
    """An application to the secretary; only the secretary's decision changes the amount."""
    rules = await load_rules(session)
    month = current_month(now, settings)
    rule = rules.rule_set_for(month)
    limit = rule.max_decision_months if rule else 12
    if percent not in (30, 50, 70, 100) or not 1 <= months <= limit:
        raise ValueError("an exemption is 100% or a 30/50/70% reduction for 1-12 months")
    request = DuesRequest(
        member_id=member.id,
        kind="exemption",
        params={
            "percent": percent,
            "reason": reason,
            "months": months,
            "note": note,
            "first_month": month.isoformat(),
            "last_month": add_months(month, months - 1).isoformat(),
        },
        created_at=now,
    )
    session.add(request)
    await session.flush()
    await approvals.request(
        session,
        kind="dues.exemption",
        subject_id=request.id,
        org_id=member.official_org_id,
        params={**person_params(member), **request.params},
        now=now,
        actions=["approve", "decline"],
        roles=directory.APPROVER_ROLES,
    )
    audit.record(session, "dues.exemption_asked", f"member:{member.id}", member.id, request.params)
    return request


async def decide(
    session: AsyncSession,
    settings: Settings,
    request_id: int,
    actor: Member,
    approve: bool,
    now: datetime,
) -> DuesRequest | None:
    """The treasurer/secretary decides a pending request; None when it is no longer pending."""
    request = await session.get(DuesRequest, request_id)
    if request is None or request.status != RequestStatus.PENDING:
        return None
    member = await directory.member(session, request.member_id)
    kind = f"dues.{request.kind}"
    roles = DUES_ROLES if request.kind == "base" else directory.APPROVER_ROLES
    if not await directory.holds_role_over(session, actor.id, member.official_org_id, roles):
        raise PermissionError("not this member's treasurer or secretary")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.decided_at, request.decided_by_id = now, actor.id
    params = request.params
    if approve:
        first = date.fromisoformat(params.get("first_month") or params["from_month"])
        if request.kind == "base":
            member.dues_base = int(params["base"])
        else:
            session.add(
                DuesExemption(
                    member_id=member.id,
                    percent=int(params["percent"]),
                    first_month=first,
                    last_month=date.fromisoformat(params["last_month"]),
                    reason=str(params["reason"]),
                    request_id=request.id,
                    decided_by_id=actor.id,
                    decided_at=now,
                )
            )
        await session.flush()
        await reprice_open(session, member, await load_rules(session), first)
    await approvals.close(session, kind, request.id, actor.id, now)
    await notifications.notify(
        session,
        member.id,
        f"dues.{request.kind}_decided",
        {**params, "approved": approve, "by": actor.full_name},
        now,
        Urgency.PROMPT,
    )
    audit.record(
        session,
        f"{kind}.{'approved' if approve else 'declined'}",
        f"member:{member.id}",
        actor.id,
        {"request": request.id},
    )
    return request
