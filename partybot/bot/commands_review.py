"""`partybot export reviews`: the year's residence-review requests of a cell or a ward, in Excel."""

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from partybot.bot.app import App
from partybot.bot.cliutil import DbOption, console, run_with_app, settings_for
from partybot.dialogs import texts
from partybot.dialogs.review_documents import review_sheet
from partybot.services import directory, reviews
from partybot.storage.models import Organisation


def export(
    org: Annotated[
        str, typer.Option("--org", help="Organisation code: a workplace cell, or a ward (all)")
    ],
    year: Annotated[int, typer.Option("--year", help="The review year.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the .xlsx file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write every review request of the organisation's members for the year, with its history."""

    async def body(opened: App) -> Path:
        async with opened.db.transaction() as session:
            found = await session.scalar(select(Organisation).where(Organisation.code == org))
            if found is None:
                console.print(texts.EXPORT_REVIEW_NO_ORG.format(code=org))
                raise typer.Exit(1)
            rows = await reviews.report(
                session, await directory.descendants(session, found.id), year
            )
        path = out or Path(texts.EXPORT_REVIEW_FILE.format(org=found.code, year=year))
        title = texts.EXPORT_REVIEW_TITLE.format(year=year, org=found.name)
        path.write_bytes(review_sheet(rows, title))
        console.print(texts.EXPORT_REVIEW_DONE.format(count=len(rows), path=path))
        return path

    run_with_app(settings_for(db), body)
