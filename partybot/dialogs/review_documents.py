"""How a residence review reads on paper: the signed PDF and the secretary's Excel list.

Both are built only from what the request row stores (names, answers with each duty's text as
asked, the signer and the time), so a document rendered again later is the same document.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from partybot.dialogs import texts
from partybot.services import directory
from partybot.services.documents import (
    BUSINESS_TZ,
    DocumentSpec,
    KeyValues,
    Paragraphs,
    Signature,
    Table,
    render_pdf,
)
from partybot.services.reviews import ReviewRow
from partybot.services.spreadsheets import xlsx_table
from partybot.storage.models import Member, Organisation, ReviewRequest, ReviewStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def join_names(names: Sequence[str]) -> str:
    """ "A", "A và B", "A, B và C"."""
    if len(names) <= 2:
        return texts.REVIEW_AND.join(names)
    return texts.REVIEW_COMMA.join(names[:-1]) + texts.REVIEW_AND + names[-1]


def local(moment: datetime) -> datetime:
    return moment.astimezone(BUSINESS_TZ)


def day(moment: datetime) -> str:
    return f"{local(moment):%d/%m/%Y}"


def clock_time(moment: datetime) -> str:
    return f"{local(moment):%H:%M %d/%m/%Y}"


def _signature_role(request: ReviewRequest, signer_org: Organisation | None) -> str:
    """T/M CHI ỦY where the cell has one, T/M CHI BỘ where it has not, then the signer's title."""
    if signer_org is None or signer_org.id == request.residence_org_id:
        on_behalf = (
            texts.DOC_ON_BEHALF_COMMITTEE
            if request.has_cell_committee
            else texts.DOC_ON_BEHALF_CELL
        )
    else:
        on_behalf = texts.DOC_ON_BEHALF_ORG.format(org=signer_org.name.upper())
    title = texts.DOC_SIGNER_ROLE.get(request.signer_role or "", "")
    return f"{on_behalf}\n{title}" if title else on_behalf


def review_spec(
    request: ReviewRequest,
    member: Member,
    workplace: Organisation,
    residence: Organisation,
    ward: Organisation | None,
    signer_org: Organisation | None,
    place: str,
) -> DocumentSpec:
    """The signed review as a document: member, cells, year, each duty's answer, comments."""
    assert request.decided_at is not None and request.signer_name is not None
    issuer = [ward.name.upper()] if ward else []
    answers = [
        (str(index), item["text"], texts.REVIEW_ANSWER[item["answer"]])
        for index, item in enumerate(request.answers, start=1)
    ]
    comments = [part.strip() for part in (request.comments or "").split("\n") if part.strip()]
    front = (texts.DOC_FRONT_YES if request.front_consulted else texts.DOC_FRONT_NO).format(
        who=texts.DOC_FRONT_COMMITTEE if request.has_cell_committee else texts.DOC_FRONT_CELL
    )
    return DocumentSpec(
        issuer_lines=[*issuer, residence.name.upper()],
        number=texts.DOC_REVIEW_NUMBER.format(id=request.id),
        place=place,
        issued_on=local(request.decided_at).date(),
        title=texts.DOC_REVIEW_TITLE,
        subtitle=texts.DOC_REVIEW_SUBTITLE.format(year=request.year),
        sections=[
            KeyValues(
                [
                    (texts.DOC_NAME, member.full_name),
                    (
                        texts.DOC_BIRTH_YEAR,
                        str(member.birth_date.year)
                        if member.birth_date
                        else texts.REVIEW_UNKNOWN_YEAR,
                    ),
                    (texts.DOC_CARD, member.card_number),
                    (texts.DOC_WORKPLACE, workplace.name),
                    (texts.DOC_RESIDENCE, residence.name),
                ]
            ),
            Table(
                texts.DOC_DUTY_HEADERS,
                answers,
                heading=texts.DOC_DUTIES,
                col_widths=(1, 9, 2.2),
            ),
            Paragraphs([*(comments or [texts.DOC_NO_COMMENTS]), front], heading=texts.DOC_COMMENTS),
        ],
        signature=Signature(
            _signature_role(request, signer_org), request.signer_name, request.decided_at
        ),
        verification_code=request.verification_code,
        footer_note=texts.DOC_REVIEW_FOOTER,
        created_at=request.decided_at,
    )


async def review_pdf(session: AsyncSession, request: ReviewRequest, place: str) -> bytes:
    """Render the signed review (off the event loop: layout takes a moment)."""
    member = await directory.member(session, request.member_id)
    workplace = await directory.organisation(session, request.workplace_org_id)
    residence = await directory.organisation(session, request.residence_org_id)
    ward = (
        await directory.organisation(session, residence.parent_id) if residence.parent_id else None
    )
    signer_org = (
        await directory.organisation(session, request.signer_org_id)
        if request.signer_org_id
        else None
    )
    spec = review_spec(request, member, workplace, residence, ward, signer_org, place)
    return await asyncio.to_thread(render_pdf, spec)


def review_filename(request: ReviewRequest, member: Member) -> str:
    return texts.DOC_REVIEW_FILE.format(year=request.year, card=member.card_number)


def state_line(request: ReviewRequest) -> str:
    """A request's state in a few words, for the status list."""
    if request.status == ReviewStatus.SIGNED and request.decided_at:
        return texts.REVIEW_STATE_SIGNED.format(date=day(request.decided_at))
    if request.status == ReviewStatus.DECLINED:
        return texts.REVIEW_STATE_DECLINED
    return texts.REVIEW_STATE_WAITING.format(date=day(request.requested_at))


def _history_text(row: ReviewRow) -> str:
    parts = []
    for item in row.history:
        what = texts.EXPORT_REVIEW_HISTORY.get(item.action, item.action)
        who = f" {item.actor}" if item.actor else ""
        parts.append(f"{clock_time(item.at)}{who}: {what}")
    return "; ".join(parts)


def review_sheet(rows: list[ReviewRow], title: str) -> bytes:
    """The year's requests of a cell (or a ward) as one Excel sheet, with each one's history."""
    table = []
    for number, row in enumerate(rows, start=1):
        request = row.request
        minutes = (
            round(request.turnaround_seconds / 60)
            if request.turnaround_seconds is not None
            else None
        )
        table.append(
            [
                number,
                row.member.full_name,
                row.member.card_number,
                row.workplace,
                row.residence,
                request.year,
                texts.EXPORT_REVIEW_STATUS[request.status],
                request.requested_at,
                request.signer_name,
                request.decided_at,
                minutes,
                request.verification_code,
                request.decline_reason,
                _history_text(row),
            ]
        )
    return xlsx_table(title, texts.EXPORT_REVIEW_HEADERS, table, date_columns={7, 9})
