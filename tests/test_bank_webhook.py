"""The SePay bank-notification webhook on a local server: authentication by API key and by HMAC,
bad bodies, replays, and credits that match, do not match, or name nothing we know."""

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from partybot.bot.app import App
from partybot.dialogs.engine import Engine
from partybot.handlers.bank_webhook import add_routes
from partybot.services import dues, dues_bank
from partybot.settings import Settings
from partybot.storage.db import Database
from partybot.storage.models import (
    Approval,
    BankTransaction,
    DuesPayment,
    IntentStatus,
    Member,
    Organisation,
    PaymentIntent,
)
from tests.support.clock import FakeClock
from tests.support.dues_world import HOME_ACCOUNT, build_dues_world, outbox
from tests.support.world import World

KEY = "sepay-test-key"
SECRET = "sepay-test-secret"
PATH = "/bank/sepay"


@pytest.fixture
async def world(db: Database) -> World:
    return await build_dues_world(db)


def configured(settings: Settings, **extra: object) -> Settings:
    values = {"bank_webhook_api_key": KEY, "bank_webhook_hmac_secret": SECRET} | extra
    return settings.model_copy(update=values)


async def client_for(db: Database, settings: Settings, clock: FakeClock) -> TestClient:
    web_app = web.Application()
    add_routes(web_app, App(settings, db, Engine(db, settings, clock)))
    client = TestClient(TestServer(web_app, host="127.0.0.1", port=0))
    await client.start_server()
    return client


@pytest.fixture
async def client(db: Database, settings: Settings, clock: FakeClock) -> AsyncIterator[TestClient]:
    client = await client_for(db, configured(settings), clock)
    yield client
    await client.close()


def notification(**fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": 92704,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-03 10:05:00",
        "accountNumber": HOME_ACCOUNT,
        "code": None,
        "content": "NGUYEN VAN AN chuyen tien",
        "transferType": "in",
        "transferAmount": 35000,
        "accumulated": 19077000,
        "subAccount": None,
        "referenceCode": "MBVCB.3278907687",
        "description": "",
    }
    return body | fields


async def post(client: TestClient, body: object, key: str | None = KEY, **headers: str):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = dict(headers)
    if key is not None:
        sent["Authorization"] = f"Apikey {key}"
    sent.setdefault("Content-Type", "application/json")
    response = await client.post(PATH, data=raw, headers=sent)
    return response.status, await response.json()


async def intent_for(
    db: Database, world: World, clock: FakeClock, who: str = "an"
) -> PaymentIntent:
    async with db.transaction() as session:
        member = await session.get(Member, world.people[who].id)
        assert member is not None
        return await dues.create_intent(
            session, member, [dues.current_month(clock(), Settings(_env_file=None))], clock()
        )


async def count(db: Database, model: type) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_matched_credit_settles_the_month_once(client, db, world, clock) -> None:
    intent = await intent_for(db, world, clock)
    # Banks rewrite memos: case, a dot inside, other words around.
    memo = (
        f"MBVCB.3278907687.{intent.reference[:5].lower()}.{intent.reference[5:].lower()} DANG PHI"
    )
    status, body = await post(client, notification(content=memo))
    assert (status, body) == (200, {"success": True, "result": "matched"})
    async with db.transaction() as session:
        payment = await session.scalar(select(DuesPayment))
        assert payment is not None and payment.method == "bank" and payment.amount == 35_000
        assert payment.received_at == datetime(2026, 12, 3, 3, 5, tzinfo=UTC)
        assert await dues.paid_through(session, world.people["an"].id) == dues.current_month(
            clock(), Settings(_env_file=None)
        )
        stored = await session.get(PaymentIntent, intent.id)
        assert stored is not None and stored.status == IntentStatus.PAID
    [receipt] = await outbox(db, "dues.receipt")
    assert receipt.member_id == world.people["an"].id
    # SePay retries: the same transaction again changes nothing and still answers success.
    status, body = await post(client, notification(content=memo))
    assert (status, body) == (200, {"success": True, "result": "duplicate"})
    # The same bank transfer under another notification id is recognised by the bank's reference.
    status, body = await post(client, notification(id=99999, content=memo))
    assert body["result"] == "duplicate"
    assert await count(db, DuesPayment) == 1 and await count(db, BankTransaction) == 1
    assert len(await outbox(db, "dues.receipt")) == 1


async def test_partial_payment_waits_for_the_treasurer(client, db, world, clock) -> None:
    intent = await intent_for(db, world, clock)
    status, body = await post(client, notification(content=intent.reference, transferAmount=20000))
    assert (status, body) == (200, {"success": True, "result": "review"})
    assert await count(db, DuesPayment) == 0
    async with db.transaction() as session:
        tx = await session.scalar(select(BankTransaction))
        assert tx is not None and tx.reason == "amount_mismatch" and tx.intent_id == intent.id
        approval = await session.scalar(select(Approval).where(Approval.kind == "dues.transfer"))
        assert approval is not None and approval.subject_id == tx.id
    prompted = {r.member_id for r in await outbox(db, "approval.prompt")}
    assert world.people["em"].id in prompted


@pytest.mark.parametrize(
    ("memo", "reason"),
    [
        ("UNG HO DANG PHI", "no_reference"),
        ("DPAB7K9QXZ DANG PHI", "unknown_reference"),
    ],
)
async def test_unknown_reference_is_recorded_never_lost(client, db, world, memo, reason) -> None:
    status, body = await post(client, notification(content=memo))
    assert (status, body["result"]) == (200, "review")
    async with db.transaction() as session:
        tx = await session.scalar(select(BankTransaction))
        assert tx is not None and tx.reason == reason and tx.org_id == world.orgs["home"].id
        assert tx.raw["content"] == memo


async def test_unknown_account_is_recorded_for_the_operator(client, db, world) -> None:
    status, body = await post(client, notification(accountNumber="999888777"))
    assert (status, body["result"]) == (200, "review")
    async with db.transaction() as session:
        tx = await session.scalar(select(BankTransaction))
        assert tx is not None and tx.reason == "unknown_account" and tx.org_id is None
    assert await count(db, Approval) == 0  # nobody to ask: `partybot payments unmatched` lists it


async def test_money_going_out_is_ignored(client, db, world) -> None:
    status, body = await post(client, notification(transferType="out"))
    assert (status, body) == (200, {"success": True, "result": "ignored"})
    assert await count(db, BankTransaction) == 0


@pytest.mark.parametrize(
    "key", [None, "wrong-key", "", KEY + "x"], ids=["missing", "wrong", "empty", "longer"]
)
async def test_wrong_key_is_refused_and_nothing_recorded(client, db, world, key) -> None:
    status, body = await post(client, notification(), key=key)
    assert (status, body["success"]) == (401, False)
    assert await count(db, BankTransaction) == 0


def signed(body: bytes, timestamp: int, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-SePay-Signature": f"sha256={digest}", "X-SePay-Timestamp": str(timestamp)}


async def test_hmac_signature(client, db, world, clock) -> None:
    now = int(clock().timestamp())
    raw = json.dumps(notification(content="UNG HO")).encode()
    status, _ = await post(client, raw, key=None, **signed(raw, now))
    assert status == 200
    tampered = raw.replace(b"35000", b"3500")
    status, _ = await post(client, tampered, key=None, **signed(raw, now))
    assert status == 401
    status, _ = await post(client, raw, key=None, **signed(raw, now, "other-secret"))
    assert status == 401
    stale = now - 3600  # an old signed request replayed
    status, _ = await post(client, raw, key=None, **signed(raw, stale))
    assert status == 401
    assert await count(db, BankTransaction) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "Expecting value"),
        (b"[1, 2]", "JSON object"),
        (json.dumps(notification(id=None)).encode(), "'id' is missing"),
        (json.dumps(notification(transferAmount="abc")).encode(), "whole number"),
        (json.dumps(notification(transferAmount=-5)).encode(), "out of range"),
        (json.dumps(notification(transferAmount=0)).encode(), "out of range"),
        (json.dumps(notification(transferAmount=35000.5)).encode(), "whole number"),
        (json.dumps(notification(transferAmount=10**15)).encode(), "out of range"),
        (json.dumps(notification(transactionDate="03/12/2026")).encode(), "transactionDate"),
        (json.dumps(notification(transferType="sideways")).encode(), "transferType"),
        (json.dumps(notification(accountNumber=None)).encode(), "accountNumber"),
    ],
)
async def test_malformed_body_gets_a_clear_answer(client, db, world, body, message) -> None:
    status, answer = await post(client, body)
    assert status == 400 and answer["success"] is False
    assert message in answer["message"]
    assert await count(db, BankTransaction) == 0


async def test_not_configured_refuses_everything(db, world, settings, clock) -> None:
    client = await client_for(db, settings, clock)
    try:
        status, body = await post(client, notification())
    finally:
        await client.close()
    assert (status, body["success"]) == (503, False)


async def test_api_key_alone(db, world, settings, clock) -> None:
    client = await client_for(db, configured(settings, bank_webhook_hmac_secret=None), clock)
    try:
        raw = json.dumps(notification(content="X")).encode()
        status, _ = await post(client, raw, key=None, **signed(raw, int(clock().timestamp())))
        assert status == 401  # no HMAC secret configured: a signature proves nothing
        status, _ = await post(client, raw)
        assert status == 200
    finally:
        await client.close()


async def test_paying_the_same_code_twice_is_kept_for_the_treasurer(client, db, world, clock):
    intent = await intent_for(db, world, clock)
    first = notification(content=intent.reference, referenceCode=None)
    assert (await post(client, first))[1]["result"] == "matched"
    second = notification(id=92705, content=intent.reference, referenceCode=None)
    assert (await post(client, second))[1]["result"] == "review"  # money is never dropped
    async with db.transaction() as session:
        reasons = (await session.scalars(select(BankTransaction.reason))).all()
    assert sorted(r or "" for r in reasons) == ["", "already_paid"]


async def test_unknown_account_rematched_once_the_cell_has_it(client, db, world, clock, settings):
    intent = await intent_for(db, world, clock)
    body = notification(accountNumber="0011 0099 9999", content=intent.reference)
    assert (await post(client, body))[1]["result"] == "review"
    async with db.transaction() as session:
        assert await dues_bank.rematch(session, settings, clock()) == []  # still nobody's
        home = await session.get(Organisation, world.orgs["home"].id)
        assert home is not None
        home.bank_account = "001100999999"
    async with db.transaction() as session:
        [(tx, result)] = await dues_bank.rematch(session, settings, clock())
    assert result == dues_bank.Result.MATCHED and tx.status == "matched"
    assert await count(db, DuesPayment) == 1
