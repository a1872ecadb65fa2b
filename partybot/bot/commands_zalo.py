"""`partybot zalo …`: register or remove the Zalo webhook, check the token."""

import asyncio

import typer

from partybot.bot.cliutil import console
from partybot.handlers.zalo.channel import WEBHOOK_PATH
from partybot.handlers.zalo.client import ZaloApiError, ZaloBotClient
from partybot.settings import Settings

app = typer.Typer(help="The Zalo Bot API channel.", no_args_is_help=True)


def client_from(settings: Settings) -> ZaloBotClient:
    if not settings.zalo_bot_token:
        console.print("ZALO_BOT_TOKEN is not set.")
        raise typer.Exit(2)
    return ZaloBotClient(settings.zalo_bot_token, api_base=settings.zalo_api_base)


@app.command("set-webhook")
def set_webhook() -> None:
    """Point Zalo at PUBLIC_BASE_URL/zalo/webhook with ZALO_WEBHOOK_SECRET."""
    settings = Settings()
    if not (settings.public_base_url and settings.zalo_webhook_secret):
        console.print("Set PUBLIC_BASE_URL (https://…) and ZALO_WEBHOOK_SECRET (8-256 chars).")
        raise typer.Exit(2)
    url = settings.public_base_url.rstrip("/") + WEBHOOK_PATH

    async def main() -> None:
        async with client_from(settings) as client:
            info = await client.set_webhook(url, settings.zalo_webhook_secret or "")
        console.print(f"Zalo webhook: {info.url}")

    try:
        asyncio.run(main())
    except ZaloApiError as problem:
        console.print(f"Zalo refused: {problem}")
        raise typer.Exit(1) from None


@app.command("delete-webhook")
def delete_webhook() -> None:
    """Remove the webhook (to poll during development)."""

    async def main() -> None:
        async with client_from(Settings()) as client:
            await client.delete_webhook()
        console.print("Zalo webhook removed.")

    asyncio.run(main())


@app.command()
def whoami() -> None:
    """Check the token: the bot's id and name as Zalo knows them."""

    async def main() -> None:
        async with client_from(Settings()) as client:
            me = await client.get_me()
        console.print(f"{me.account_name} ({me.id})")

    asyncio.run(main())
