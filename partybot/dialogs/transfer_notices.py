"""How the transfer notices read when they reach the member, the secretaries and the offices."""

from collections.abc import Callable
from typing import Any

from partybot.dialogs import texts
from partybot.dialogs import transfer_format as fmt
from partybot.dialogs.flow import REGISTRY
from partybot.dialogs.model import Attachment, Reply
from partybot.storage.models import TransferKind

Params = dict[str, Any]


def _deadline(params: Params, template: str) -> str:
    return template.format(date=fmt.day(params["present_by"])) if params.get("present_by") else ""


def _fields(params: Params) -> dict[str, str]:
    """The placeholders every transfer text may use."""
    return {
        "name": params.get("name", ""),
        "card": params.get("card", ""),
        "from_": params.get("from") or "",
        "to": fmt.destination(params) if "to" in params else "",
        "start": fmt.day(params.get("start")),
        "end": fmt.day(params.get("end")),
        "number": params.get("number", ""),
        "date": fmt.day(params.get("present_by")),
        "on": fmt.day(params.get("on")),
        "org": params.get("org") or "",
        "reason": params.get("reason_text") or "",
        "text": params.get("explanation", ""),
    }


def simple(event: str, template: str) -> None:
    """A notice that is one text filled from the transfer's fields."""

    def render(params: Params) -> Reply:
        return Reply(template.format(**_fields(params)))

    REGISTRY.notice(event)(render)


for event, template in {
    "transfer.returned": texts.TRANSFER_NOTICE_RETURNED,
    "transfer.received": texts.TRANSFER_NOTICE_RECEIVED,
    "transfer.received_home": texts.TRANSFER_NOTICE_RECEIVED_HOME,
    "transfer.temporary_started": texts.TRANSFER_NOTICE_TEMPORARY_STARTED,
    "transfer.temporary_started_home": texts.TRANSFER_NOTICE_TEMPORARY_STARTED_HOME,
    "transfer.cancelled": texts.TRANSFER_NOTICE_CANCELLED,
    "transfer.deadline_soon": texts.TRANSFER_NOTICE_DEADLINE,
    "transfer.late": texts.TRANSFER_NOTICE_LATE,
    "transfer.late_office": texts.TRANSFER_NOTICE_LATE_OFFICE,
    "transfer.explained": texts.TRANSFER_NOTICE_EXPLAINED,
    "transfer.temporary_ending": texts.TRANSFER_NOTICE_ENDING,
    "transfer.temporary_closed": texts.TRANSFER_NOTICE_CLOSED,
    "transfer.temporary_closed_cell": texts.TRANSFER_NOTICE_CLOSED_CELL,
    "transfer.extended": texts.TRANSFER_NOTICE_EXTENDED,
    "transfer.extended_home": texts.TRANSFER_NOTICE_EXTENDED_HOME,
    "transfer.extension_declined": texts.TRANSFER_NOTICE_DECLINED,
}.items():
    simple(event, template)


def notice(event: str) -> Callable[[Callable[[Params], Reply]], Callable[[Params], Reply]]:
    return REGISTRY.notice(event)


@notice("transfer.progress")
def progress(params: Params) -> Reply:
    return Reply(texts.TRANSFER_NOTICE_PROGRESS.format(by=params["by"], next=params["next"]))


@notice("transfer.dues_due")
def dues_due(params: Params) -> Reply:
    return Reply(texts.TRANSFER_NOTICE_DUES.format(months=fmt.months(params["months"])))


@notice("transfer.letter")
def letter(params: Params) -> Reply:
    """The letter itself, as a PDF, with what to carry and where."""
    fields = _fields(params)
    deadline = _deadline(params, texts.TRANSFER_STATUS_DEADLINE)
    if params.get("receiving") is None:
        text = texts.TRANSFER_NOTICE_LETTER_OUTSIDE.format(**{**fields, "deadline": deadline})
    elif params["transfer_kind"] == TransferKind.TEMPORARY:
        text = texts.TRANSFER_NOTICE_LETTER_TEMPORARY.format(
            **{**fields, "receiving": params["receiving"]}
        )
    else:
        text = texts.TRANSFER_NOTICE_LETTER.format(
            **{**fields, "receiving": params["receiving"], "deadline": deadline}
        )
    return Reply(text, attachments=[Attachment(params["file_token"], params["filename"], False)])


@notice("transfer.incoming")
def incoming(params: Params) -> Reply:
    deadline = _deadline(params, texts.TRANSFER_DONE_DEADLINE)
    return Reply(
        texts.TRANSFER_NOTICE_INCOMING.format(
            **{**_fields(params), "receiving": params["receiving"], "deadline": deadline}
        )
    )
