"""Replies as plain text, for channels without buttons (Zalo, the console).

Choices become a numbered list the member answers by typing the number or the words; under a
free-text question the navigation words are listed without numbers.
"""

from partybot.dialogs.model import Reply

HINT = "Gõ số 1, 2, 3… hoặc gõ chữ."


def choice_lines(reply: Reply) -> list[str]:
    numbered = reply.numbered
    if numbered:
        lines = [f"{index}. {choice.label}" for index, choice in enumerate(numbered, 1)]
        return [*lines, HINT]
    if reply.nav:
        return ["(Gõ: " + " · ".join(choice.label for choice in reply.nav) + ")"]
    return []


def as_text(reply: Reply) -> str:
    return "\n".join([reply.text, *choice_lines(reply)])


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line breaks, else at spaces, else hard."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
