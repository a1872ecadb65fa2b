"""How a member's call for help reads when it reaches their secretary."""

from typing import Any

from partybot.dialogs import texts
from partybot.dialogs.flow import REGISTRY
from partybot.dialogs.model import Reply


@REGISTRY.notice("help.requested")
def help_requested(params: dict[str, Any]) -> Reply:
    return Reply(texts.HELP_REQUEST_NOTICE.format(**params))
