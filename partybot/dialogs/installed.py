"""Every dialog module, imported once so each registers its dialogs, menu entries and notices."""

from partybot.dialogs import (
    account,
    approvals,
    dues,
    dues_cell,
    help_requests,
    menu,
    onboarding,
    transfer_approvals,
    transfer_manage,
    transfer_notices,
    transfer_status,
    transfers,
)

__all__ = [
    "account",
    "approvals",
    "dues",
    "dues_cell",
    "help_requests",
    "menu",
    "onboarding",
    "transfer_approvals",
    "transfer_manage",
    "transfer_notices",
    "transfer_status",
    "transfers",
]
