"""Every dialog module, imported once so each registers its dialogs, menu entries and notices."""

from partybot.dialogs import (
    account,
    approvals,
    assist,
    dues,
    dues_apply,
    dues_approvals,
    dues_cell,
    dues_notices,
    dues_resolve,
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
    "dues",
    "dues_apply",
    "dues_approvals",
    "dues_cell",
    "dues_notices",
    "dues_resolve",
    "help_requests",
    "menu",
    "onboarding",
    "review",
    "review_form",
]
