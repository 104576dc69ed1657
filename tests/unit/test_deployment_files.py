"""docker-compose.yml, the Dockerfile and requirements.lock, read as the tools read them.

Docker cannot run here; these check the invariants the compose file and the image must
keep (the compose spec's semantics, not just valid YAML).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = {"indexer", "api", "worker"}
HA_APP_SERVICES = {"api-a", "api-b", "worker-a", "worker-b"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _depends(service: dict[str, Any]) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in service.get("depends_on", {}).items()}


def test_only_the_app_services_read_env_and_meilisearch_gets_its_own_variables() -> None:
    services = _compose()["services"]
    assert {name for name, s in services.items() if "env_file" in s} == (
        APP_SERVICES | HA_APP_SERVICES)
    for name in ("meilisearch", "meilisearch-2"):
        meili = services[name]
        assert set(meili["environment"]) == {"MEILI_MASTER_KEY", "MEILI_ENV",
                                             "MEILI_NO_ANALYTICS"}
        assert meili["environment"]["MEILI_MASTER_KEY"].startswith("${MEILI_MASTER_KEY:?")
        assert "command" not in meili and "entrypoint" not in meili  # no key on a command line


def test_env_values_win_over_the_smtp_defaults() -> None:
    for name in APP_SERVICES | HA_APP_SERVICES:
        environment = _compose()["services"][name]["environment"]
        assert environment["SMTP_HOST"] == "${SMTP_HOST:-mailpit}"
        assert environment["SMTP_PORT"] == "${SMTP_PORT:-1025}"


def test_the_api_and_worker_wait_for_healthy_stores_not_for_the_indexer() -> None:
    services = _compose()["services"]
    for name in ("api", "worker"):
        depends = _depends(services[name])
        assert "indexer" not in depends
        assert depends["meilisearch"] == depends["redis"] == "service_healthy"
    assert _depends(services["indexer"]) == {"meilisearch": "service_healthy",
                                             "redis": "service_healthy"}


def test_every_long_running_service_has_a_healthcheck() -> None:
    services = _compose()["services"]
    for name in ("meilisearch", "redis", "api", "worker"):
        assert services[name]["healthcheck"]["test"][0] == "CMD", name
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"][1:] == [
        "arq", "--check", "workers.settings.WorkerSettings"]


def test_the_sample_is_loaded_only_in_the_demo_profile_and_only_into_an_empty_index() -> None:
    services = _compose()["services"]
    assert services["indexer"]["profiles"] == ["demo"]
    assert [n for n, s in services.items() if s.get("profiles") == ["demo"]] == ["indexer"]
    command = " ".join(services["indexer"]["command"])
    assert "indexer load /tmp/sample --if-empty" in command and "--rebuild" not in command


def test_images_are_pinned_to_exact_versions() -> None:
    for name, service in _compose()["services"].items():
        if "image" in service:
            assert re.search(r":v?\d+\.\d+\.\d+(-[a-z]+)?(@sha256:[0-9a-f]{64})?$",
                             service["image"]), name
    base = re.search(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert base is not None
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base[1])


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)[^\n]*\\\n((?:\s+--hash=sha256:"
                         r"[0-9a-f]{64}[ \\]*\n)+)", text, re.MULTILINE)
    pinned = re.findall(r"^[A-Za-z0-9_.-]+==", text, re.MULTILINE)
    assert len(entries) == len(pinned)  # every pinned package carries its hashes
    return {canonicalize_name(name): version for name, version, _ in entries}


def test_the_lock_covers_every_dependency_of_pyproject_and_the_image_installs_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = _locked()
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(
                {"sys_platform": "linux", "platform_system": "Linux"}):
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock pins {name}=={locked[name]}, outside {requirement.specifier}")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-deps --require-hashes -r requirements.lock" in dockerfile
    assert not re.search(r"pip install (?!--no-deps --require-hashes)", dockerfile)


HA_SERVICES = {"redis-replica", "sentinel-1", "sentinel-2", "sentinel-3", "meilisearch-2",
               "api-a", "api-b", "proxy", "worker-a", "worker-b"}


def test_the_ha_profile_runs_every_part_twice_or_more_and_wires_them_together() -> None:
    services = _compose()["services"]
    assert {n for n, s in services.items() if s.get("profiles") == ["ha"]} == HA_SERVICES
    # Redis: the master "redis", its replica, three Sentinels watching the master.
    assert services["redis-replica"]["command"][1:4] == ["--replicaof", "redis", "6379"]
    assert "--appendfsync" in services["redis-replica"]["command"]
    sentinel_conf = (ROOT / "devstack/ha/sentinel.conf").read_text()
    assert "sentinel monitor studyvisits redis 6379 2" in sentinel_conf
    for number in (1, 2, 3):
        sentinel = services[f"sentinel-{number}"]
        assert "--sentinel" in sentinel["command"][-1]
        assert "./devstack/ha/sentinel.conf:/etc/studyvisits/sentinel.conf:ro" in (
            sentinel["volumes"])
    # The APIs and workers use every store through the Sentinels and every Meilisearch.
    for name in HA_APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["REDIS_SENTINELS"] == (
            "sentinel-1:26379,sentinel-2:26379,sentinel-3:26379")
        assert environment["REDIS_SENTINEL_MASTER"] == "studyvisits"
        assert environment["MEILI_URLS"] == "http://meilisearch:7700,http://meilisearch-2:7700"
        assert environment["REDIS_WAIT_REPLICAS"] == "1"
        assert {"meilisearch", "meilisearch-2", "sentinel-1", "sentinel-2", "sentinel-3"} <= (
            set(_depends(services[name])))
    # The proxy spreads over both APIs, which trust its address alone.
    proxy = services["proxy"]
    assert proxy["image"].startswith("haproxy:")
    config = (ROOT / "devstack/ha/haproxy.cfg").read_text()
    assert re.findall(r"^\s*server (\S+) (\S+)$", config, re.MULTILINE) == [
        ("api-a", "api-a:8000"), ("api-b", "api-b:8000")]
    address = proxy["networks"]["edge"]["ipv4_address"]
    for name in ("api-a", "api-b"):
        command = services[name]["command"]
        assert command[command.index("--forwarded-allow-ips") + 1] == address
        assert "ports" not in services[name]  # reached through the proxy only
    assert _depends(proxy) == {"api-a": "service_healthy", "api-b": "service_healthy"}
    assert [s["command"] for n, s in services.items() if n.startswith("worker-")] == [
        ["python", "-m", "workers", "run"]] * 2
