"""Every dialog module, imported once so each registers its dialogs, menu entries and notices."""

from partybot.dialogs import (
    account,
    approvals,
    assist,
    help_requests,
    menu,
    onboarding,
    review,
    review_form,
)

__all__ = [
    "account",
    "approvals",
    "assist",
    "help_requests",
    "menu",
    "onboarding",
    "review",
    "review_form",
]
