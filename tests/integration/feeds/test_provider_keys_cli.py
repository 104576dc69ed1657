"""``python -m indexer provider-keys``: keys created once, listed without secrets, revoked;
Redis never holds a key in clear."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest
from redis.asyncio import Redis

from core.redis_values import as_text
from core.settings import Settings
from devstack.processes import free_port
from indexer.cli import EXIT_FAILED, EXIT_OK
from indexer.cli import main as indexer_main
from tests.integration.feeds.conftest import FULL_ORG, INVALID_ORG, bearer


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         *argv: str) -> tuple[int, str, str]:
    """The CLI in this process, with the settings as its environment; (exit code, out, err)."""
    for name, value in {"MEILI_URL": settings.meili_url,
                        "MEILI_MASTER_KEY": settings.meili_master_key,
                        "REDIS_URL": settings.redis_url,
                        "SECRET_KEY": settings.secret_key}.items():
        monkeypatch.setenv(name, value)
    code = indexer_main(["provider-keys", *argv])
    out, err = capsys.readouterr()
    return code, out, err


async def _acli(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """:func:`_cli` from a test's event loop (the CLI runs one of its own)."""
    return await asyncio.to_thread(_cli, settings, monkeypatch, capsys, *argv)


async def _everything_in(redis: Redis) -> str:
    """Every key name and value of the database, as text."""
    parts = []
    async for name in redis.scan_iter(count=500):
        parts.append(as_text(name))
        kind = as_text(await redis.type(name))
        if kind == "string":
            parts.append(as_text(await redis.get(name)))
        elif kind == "hash":
            parts.extend(as_text(x) for pair in (await redis.hgetall(name)).items()
                         for x in pair)
        elif kind == "list":
            parts.extend(as_text(x) for x in await redis.lrange(name, 0, -1))
        elif kind == "set":
            parts.extend(as_text(x) for x in await redis.smembers(name))
        elif kind == "zset":
            parts.extend(as_text(x) for x in await redis.zrange(name, 0, -1))
        else:
            raise AssertionError(f"unexpected Redis type {kind} of {as_text(name)}")
    return "\n".join(parts)


async def test_create_list_revoke_and_no_key_in_clear(
        fsettings: Settings, api: str, http: httpx.AsyncClient, redis: Redis,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await _acli(fsettings, monkeypatch, capsys, "create",
                                 FULL_ORG.replace("-", ""))
    assert code == EXIT_OK
    key = out.strip()
    assert key.startswith("fk_") and len(key) > 50 and "\n" not in key
    key_id = key.split("_")[1]
    assert key_id in err and "not shown again" in err
    secret = key[len(f"fk_{key_id}_"):]

    stored = await _everything_in(redis)
    assert key_id in stored  # the record exists ...
    assert key not in stored and secret not in stored  # ... but not the key

    url = f"{api}/feeds/{FULL_ORG}"
    assert (await http.get(url, headers=bearer(key))).status_code == 200

    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "create", FULL_ORG)
    second_id = out.strip().split("_")[1]
    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "list", FULL_ORG)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert sorted(line.split()[0] for line in lines) == sorted([key_id, second_id])
    assert all("created 20" in line for line in lines)
    assert secret not in out
    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "list", INVALID_ORG)
    assert (code, out) == (EXIT_OK, "")

    code, _, err = await _acli(fsettings, monkeypatch, capsys, "revoke", INVALID_ORG, key_id)
    assert code == EXIT_FAILED and "has no key" in err  # not that provider's key
    assert (await http.get(url, headers=bearer(key))).status_code == 200
    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "revoke", FULL_ORG, key_id)
    assert code == EXIT_OK and key_id in out
    assert (await http.get(url, headers=bearer(key))).status_code == 401
    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "list", FULL_ORG)
    assert out.split()[0] == second_id and len(out.splitlines()) == 1
    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "revoke", FULL_ORG, "--all")
    assert code == EXIT_OK and second_id in out
    code, out, _ = await _acli(fsettings, monkeypatch, capsys, "list", FULL_ORG)
    assert out == ""


def test_bad_organisation_numbers_and_arguments_are_refused(
        fsettings: Settings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(fsettings, monkeypatch, capsys, "create", "559301-4788")
    assert (code, out) == (EXIT_FAILED, "")
    assert "not an organisation number" in err
    code, _, err = _cli(fsettings, monkeypatch, capsys, "revoke", FULL_ORG)
    assert code == EXIT_FAILED and "either a key id or --all" in err


def test_an_unreachable_redis_is_reported(fsettings: Settings, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    down = dataclasses.replace(fsettings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    code, out, err = _cli(down, monkeypatch, capsys, "create", FULL_ORG)
    assert (code, out) == (EXIT_FAILED, "")
    assert "Redis cannot be reached" in err and "nothing was changed" in err
