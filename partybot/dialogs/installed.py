"""Every dialog module, imported once so each registers its dialogs, menu entries and notices."""

from partybot.dialogs import account, approvals, delivery, help_requests, menu, onboarding

__all__ = ["account", "approvals", "delivery", "help_requests", "menu", "onboarding"]
