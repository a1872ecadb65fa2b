"""Members the bot cannot reach: the secretary is told when it happens, and can list them.

The list ("Cần liên hệ trực tiếp") covers everyone under the organisations the secretary looks
after who has no channel that works: those who blocked or left the bot, and those who never
joined, so that nobody misses a dues reminder or an approval simply because they have no phone.
"""

from typing import Any

from partybot.dialogs import texts
from partybot.dialogs.flow import REGISTRY, Ctx, Done, MenuEntry, Outcome, with_role
from partybot.dialogs.model import Reply
from partybot.services import reachability
from partybot.services.directory import MANAGER_ROLES
from partybot.services.phones import display_phone

LIST_LIMIT = 30


@REGISTRY.notice(reachability.UNREACHABLE_EVENT)
def member_unreachable(params: dict[str, Any]) -> Reply:
    return Reply(texts.MEMBER_UNREACHABLE.format(**params))


async def contact_list(ctx: Ctx) -> Outcome:
    org_ids = {held.org_id for held in ctx.roles if held.role in MANAGER_ROLES}
    people = await reachability.contact_in_person(ctx.session, org_ids)
    if not people:
        return Done(texts.CONTACT_NONE)
    lines = [texts.CONTACT_HEAD.format(count=len(people))]
    for number, person in enumerate(people[:LIST_LIMIT], start=1):
        phone = (
            display_phone(person.member.phone) if person.member.phone else texts.CONTACT_NO_PHONE
        )
        why = texts.CONTACT_BLOCKED if person.linked else texts.CONTACT_NEVER_JOINED
        lines.append(
            texts.CONTACT_LINE.format(n=number, name=person.member.full_name, phone=phone, why=why)
        )
    if len(people) > LIST_LIMIT:
        lines.append(texts.CONTACT_MORE.format(count=len(people) - LIST_LIMIT))
    return Done("\n".join(lines))


REGISTRY.menu_entry(
    MenuEntry(
        "contact_in_person",
        texts.CONTACT_TITLE,
        with_role(*MANAGER_ROLES),
        order=65,
        synonyms=texts.CONTACT_SYNONYMS,
        run=contact_list,
    )
)
