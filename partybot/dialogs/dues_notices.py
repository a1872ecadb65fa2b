"""How dues notices read when they reach a member or a secretary (rendered at delivery)."""

from datetime import date
from typing import Any

from partybot.dialogs import dues_format as fmt
from partybot.dialogs import texts
from partybot.dialogs.flow import (
    REGISTRY,
)
from partybot.dialogs.model import Attachment, Reply
from partybot.services.phones import display_phone

# -- notices reaching the member ------------------------------------------------------------------


@REGISTRY.notice("dues.receipt")
def receipt_notice(params: dict[str, Any]) -> Reply:
    text = texts.DUES_RECEIPT_NOTICE.format(
        amount=fmt.format_vnd(params["amount"]),
        months=fmt.months(params["months"]) or "—",
        number=params["number"],
    )
    if params.get("credit"):
        text += texts.DUES_RECEIPT_CREDIT.format(credit=fmt.format_vnd(params["credit"]))
    return Reply(text, attachments=[Attachment(params["file_token"], params["filename"], False)])


@REGISTRY.notice("dues.reminder")
def reminder_notice(params: dict[str, Any]) -> Reply:
    text = texts.DUES_REMINDER.format(
        months=fmt.months(params["months"]), amount=fmt.format_vnd(params["amount"])
    )
    if params.get("by"):
        text += texts.DUES_REMINDER_BY.format(by=params["by"])
    return Reply(text)


@REGISTRY.notice("dues.warning")
def warning_notice(params: dict[str, Any]) -> Reply:
    overdue = params["overdue"]
    return Reply(
        texts.DUES_WARNING.format(
            year=date.fromisoformat(overdue[0]).year,
            count=len(overdue),
            months=fmt.months(overdue),
        )
    )


@REGISTRY.notice("dues.warning_list")
def warning_list_notice(params: dict[str, Any]) -> Reply:
    people = "\n".join(
        texts.DUES_WARNING_PERSON.format(
            name=p["name"],
            phone=display_phone(p["phone"]) if p["phone"] else "—",
            months=fmt.months(p["months"]),
        )
        for p in params["people"]
    )
    return Reply(
        texts.DUES_WARNING_LIST.format(org=params["org"], year=params["year"], people=people)
    )


@REGISTRY.notice("dues.claim_rejected")
def claim_rejected_notice(params: dict[str, Any]) -> Reply:
    return Reply(
        texts.DUES_CLAIM_REJECTED.format(
            amount=fmt.format_vnd(params["amount"]), reference=params["reference"], by=params["by"]
        )
    )


@REGISTRY.notice("dues.base_decided")
def base_decided_notice(params: dict[str, Any]) -> Reply:
    template = texts.DUES_BASE_APPROVED if params["approved"] else texts.DUES_BASE_DECLINED
    return Reply(
        template.format(
            base=fmt.format_vnd(params["base"]),
            amount=fmt.format_vnd(params["amount"]),
            month=fmt.month(params["from_month"]),
            by=params["by"],
        )
    )


@REGISTRY.notice("dues.exemption_decided")
def exemption_decided_notice(params: dict[str, Any]) -> Reply:
    template = texts.DUES_EX_APPROVED if params["approved"] else texts.DUES_EX_DECLINED
    return Reply(
        template.format(
            kind=fmt.kind_text(params["percent"]),
            first=fmt.month(params["first_month"]),
            last=fmt.month(params["last_month"]),
            by=params["by"],
        )
    )
