"""How transfer data reads in messages: dates, months, where a request stands, its history."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs import inputs, texts
from partybot.services import directory
from partybot.services.transfer_views import Standing
from partybot.storage.models import StepKind, TransferEvent, TransferKind, TransferStatus


def day(value: date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def local_day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y")


def months(values: list[date] | list[str]) -> str:
    parsed = [date.fromisoformat(v) if isinstance(v, str) else v for v in values]
    return ", ".join(f"tháng {m:%m/%Y}" for m in parsed)


def kind_long(kind: str) -> str:
    if kind == TransferKind.OFFICIAL:
        return texts.TRANSFER_KIND_OFFICIAL
    return texts.TRANSFER_KIND_TEMPORARY


def destination(params: dict[str, Any]) -> str:
    if params.get("outside"):
        return texts.TRANSFER_OUTSIDE_MARK.format(to=params["to"])
    return str(params["to"])


def describe(found: Standing, tz: ZoneInfo) -> str:
    """Where the request stands, in two or three short lines."""
    transfer = found.transfer
    lines = [
        texts.TRANSFER_STATUS_HEAD.format(
            kind=kind_long(transfer.kind),
            to=found.to_name,
            sent=local_day(transfer.submitted_at, tz),
        )
    ]
    status = transfer.status
    waiting = found.waiting
    if status == TransferStatus.PENDING and waiting is not None:
        assert waiting.opened_at is not None
        lines.append(
            texts.TRANSFER_STATUS_WAITING.format(
                org=found.waiting_org, since=local_day(waiting.opened_at, tz)
            )
        )
    elif status == TransferStatus.RETURNED:
        lines.append(
            texts.TRANSFER_STATUS_RETURNED.format(
                org=found.returned_by or "", reason=transfer.return_reason or ""
            )
        )
    elif status == TransferStatus.ISSUED and found.letter is not None:
        deadline = found.letter.present_by
        lines.append(
            texts.TRANSFER_STATUS_ISSUED.format(
                number=found.letter.number,
                issued=day(found.letter.issued_on),
                receiving=found.receiving or found.to_name,
                deadline=texts.TRANSFER_STATUS_DEADLINE.format(date=day(deadline))
                if deadline
                else "",
            )
        )
    elif status == TransferStatus.ARRIVING and waiting is not None:
        assert waiting.opened_at is not None
        lines.append(
            texts.TRANSFER_STATUS_ARRIVING.format(
                org=found.waiting_org, since=local_day(waiting.opened_at, tz)
            )
        )
    elif status == TransferStatus.ACTIVE:
        lines.append(
            texts.TRANSFER_STATUS_ACTIVE.format(
                to=found.to_name, end=day(transfer.end_date), from_=found.from_name
            )
        )
        if found.extension is not None:
            lines.append(
                texts.TRANSFER_STATUS_EXTENSION.format(
                    org=found.waiting_org, end=day(found.extension.requested_end)
                )
            )
    elif status == TransferStatus.OUTSIDE and found.letter is not None:
        lines.append(
            texts.TRANSFER_STATUS_OUTSIDE.format(number=found.letter.number, to=found.to_name)
        )
    else:
        lines.append(texts.TRANSFER_STATE[status])
    if transfer.late_at is not None and status in (TransferStatus.ISSUED, TransferStatus.ARRIVING):
        if transfer.late_explanation:
            lines.append(texts.TRANSFER_STATUS_EXPLAINED.format(text=transfer.late_explanation))
        else:
            lines.append(texts.TRANSFER_STATUS_LATE)
    return "\n".join(lines)


async def history_lines(
    session: AsyncSession, events: list[TransferEvent], tz: ZoneInfo
) -> list[str]:
    """The history, one line per event: when, who, what, where, and any note."""
    lines = []
    for event in events:
        who = texts.TRANSFER_SYSTEM
        if event.actor_id is not None:
            who = (await directory.member(session, event.actor_id)).full_name
        org = ""
        if event.org_id is not None:
            org = f" ({(await directory.organisation(session, event.org_id)).name})"
        note = f": {event.note}" if event.note else ""
        lines.append(
            texts.TRANSFER_EVENT_LINE.format(
                at=event.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"),
                who=f"{who} ",
                action=texts.TRANSFER_EVENT.get(event.action, event.action),
                org=org,
                note=note,
            )
        )
    return lines


def step_hint(params: dict[str, Any]) -> str:
    hint = texts.TRANSFER_STEP_HINT[params["step"]]
    if params["step"] == StepKind.EXTENSION:
        return hint.format(end=day(params.get("requested_end")))
    if params.get("issues_letter") and params["step"] == StepKind.OFFICE:
        return hint + texts.TRANSFER_STEP_ISSUES
    return hint


@dataclass(frozen=True)
class Search:
    """Free text typed where destinations are listed: search again with it."""

    text: str


def search_text(limit: int = 200) -> Any:
    """A parser that marks typed text as a new search, so it never passes for a choice's key."""
    parse = inputs.free_text(limit)
    return lambda typed: Search(parse(typed))
