"""`partybot nlu report`: how well the bot understands members, measured on the corpus."""

from pathlib import Path
from typing import Annotated

import typer

from partybot.bot.cliutil import console

app = typer.Typer(help="Understanding members' own words.", no_args_is_help=True)
CORPUS = Path("tests/corpus/messages.tsv")


@app.command()
def report(
    corpus: Annotated[Path, typer.Argument(help="Labelled messages (TSV).")] = CORPUS,
) -> None:
    """Accuracy, confident mistakes, per-label precision/recall and every miss."""
    from partybot.dialogs.understanding import report_corpus

    if not corpus.exists():
        console.print(f"No corpus at {corpus}.")
        raise typer.Exit(2)
    typer.echo(report_corpus(corpus))
