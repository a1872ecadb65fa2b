"""Help requests: a member who is stuck reaches a person (their secretary or a helper).

A request is an approval of kind "help" in the organisation's inbox, so it is reminded and
escalated like any other. The person answers in chat (the answer is delivered to the member) and
closes it. A member asking again while a request is open adds to it instead of opening another.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from partybot.services import approvals, audit, notifications
from partybot.storage.models import HelpRequest, Member, RoleKind

KIND = "help"
HELPER_ROLES = (RoleKind.SECRETARY, RoleKind.DEPUTY_SECRETARY, RoleKind.HELPER)
MAX_TYPED = 300


async def open_request(session: AsyncSession, member_id: int) -> HelpRequest | None:
    return await session.scalar(
        select(HelpRequest).where(HelpRequest.member_id == member_id, HelpRequest.status == "open")
    )


async def ask_for_help(
    session: AsyncSession, member: Member, context: dict[str, Any], now: datetime
) -> list[Member]:
    """Open (or add to) the member's request; returns the people it reaches."""
    context = {**context, "typed": str(context.get("typed", ""))[:MAX_TYPED]}
    request = await open_request(session, member.id)
    if request is None:
        request = HelpRequest(
            member_id=member.id, org_id=member.official_org_id, context=context, created_at=now
        )
        session.add(request)
        await session.flush()
        approval = await approvals.request(
            session,
            kind=KIND,
            subject_id=request.id,
            org_id=member.official_org_id,
            params={"name": member.full_name, "phone": member.phone or "", **context},
            now=now,
            actions=["answer", "close"],
            roles=HELPER_ROLES,
        )
    else:
        request.context = {**request.context, "again": context}
        approval = await approvals.pending(session, KIND, request.id)
        if approval is not None:
            approval.params = {**approval.params, **context}
            await approvals.prompt(session, approval, now, "approval.prompt", f":{now.isoformat()}")
    audit.record(session, "help.requested", f"member:{member.id}", member.id, context)
    return await approvals.approvers(session, approval) if approval else []


async def request_for(session: AsyncSession, request_id: int) -> HelpRequest | None:
    return await session.get(HelpRequest, request_id)


async def may_handle(session: AsyncSession, actor_id: int, request: HelpRequest) -> bool:
    approval = await approvals.pending(session, KIND, request.id)
    return approval is not None and await approvals.can_act(session, actor_id, approval)


async def answer(
    session: AsyncSession, request: HelpRequest, helper: Member, text: str, now: datetime
) -> None:
    """Deliver the helper's answer to the member (through the outbox, like any notice)."""
    await notifications.notify(
        session,
        request.member_id,
        "help.answered",
        {"name": helper.full_name, "text": text},
        now,
    )
    audit.record(
        session, "help.answered", f"help:{request.id}", helper.id, {"text": text[:MAX_TYPED]}
    )


async def close(session: AsyncSession, request: HelpRequest, actor_id: int, now: datetime) -> None:
    request.status, request.closed_at, request.closed_by_id = "closed", now, actor_id
    await approvals.close(session, KIND, request.id, actor_id, now)
