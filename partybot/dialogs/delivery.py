"""What a secretary is told when the bot can no longer reach one of their members."""

from typing import Any

from partybot.dialogs import texts
from partybot.dialogs.flow import REGISTRY
from partybot.dialogs.model import Reply
from partybot.services.reachability import UNREACHABLE_EVENT


@REGISTRY.notice(UNREACHABLE_EVENT)
def member_unreachable(params: dict[str, Any]) -> Reply:
    return Reply(texts.MEMBER_UNREACHABLE.format(**params))
