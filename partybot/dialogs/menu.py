"""The main menu: the procedures this member may use, by role; nothing that is not built."""

from partybot.dialogs import texts
from partybot.dialogs.assist import END_ENTRY
from partybot.dialogs.flow import REGISTRY, Ask, Ctx, Dialog, MenuEntry, Option, Outcome, Switch

menu = REGISTRY.dialog(Dialog("menu", texts.NAV_MENU, help=texts.MENU_HELP, resumable=False))


def entries(ctx: Ctx) -> list[MenuEntry]:
    member = ctx.member
    if member is None:
        return []
    shown = [entry for entry in ctx.registry.menu if entry.visible(member, ctx.roles)]
    return [END_ENTRY, *shown] if ctx.assisting else shown


@menu.ask("root")
async def ask_root(ctx: Ctx) -> Ask:
    options = [Option(e.key, e.title, e.synonyms) for e in entries(ctx)]
    question = ctx.data.get("question", texts.MENU_QUESTION) if options else texts.MENU_EMPTY
    if ctx.assisting and ctx.member is not None:
        question = texts.ASSIST_NOW.format(name=ctx.member.full_name) + "\n" + question
    return Ask(question, options)


@menu.on("root")
async def on_root(ctx: Ctx, key: str) -> Outcome:
    entry = next(e for e in entries(ctx) if e.key == key)
    if entry.run is not None:
        return await entry.run(ctx)
    return Switch(entry.key)
