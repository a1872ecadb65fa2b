"""Every dialog module, imported once so each registers its dialogs, menu entries and notices."""

from partybot.dialogs import (
    account,
    approvals,
    broadcast,
    delivery,
    help_requests,
    menu,
    onboarding,
)

__all__ = [
    "account",
    "approvals",
    "broadcast",
    "delivery",
    "help_requests",
    "menu",
    "onboarding",
]
