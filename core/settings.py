"""The one settings object, built from the environment at start-up and passed along.

No other module reads ``os.environ``: entry points call :func:`Settings.from_env` once
(Starlette lifespan, arq ``on_startup``, the indexer CLI) and hand the result down.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

DEFAULT_MAIL_FROM = "Studiebesök <no-reply@studiebesok.localhost>"


class SettingsError(ValueError):
    """One or more environment variables are missing or malformed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class Settings:
    """Configuration of every process of the service."""

    meili_url: str
    meili_master_key: str
    redis_url: str
    secret_key: str
    meili_index: str = "courses"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = DEFAULT_MAIL_FROM
    public_base_url: str = "http://127.0.0.1:8000"
    development: bool = False
    cors_origins: tuple[str, ...] = ()
    meili_task_timeout_seconds: float = 120.0
    meili_api_key: str = ""
    personal_data_retention_days: int = 30
    reminder_hours_before: int = 24  # a confirmed visit's reminder goes this long before it
    search_max_page_size: int = 100
    email_retry_base_seconds: float = 30.0
    email_retry_max_seconds: float = 3600.0
    worker_job_timeout_seconds: float = 120.0
    registration_rate_limit_per_ip: int = 20
    registration_rate_limit_per_email: int = 5
    registration_rate_window_seconds: int = 3600
    search_cache_size: int = 2048
    search_cache_redis: bool = False
    emails_per_address_per_day: int = 10  # abuse limits: registrations per address per 24 h
    # observability
    worker_metrics_port: int = 0
    worker_metrics_host: str = "127.0.0.1"
    log_format: str = "text"
    # Durable registrations (core/durability.py): how an acknowledgement waits for the disk.
    redis_durability: str = "fsync"
    redis_waitaof_timeout_seconds: float = 3.0
    # Deleted personal data leaves the disk (workers/disk_erasure.py) within this many hours.
    personal_data_disk_erasure_hours: float = 24.0
    max_request_bytes: int = 64 * 1024  # HTTP layer: largest request body
    feed_read_timeout_seconds: float = 120.0  # feed uploads: deadline for the body
    request_read_timeout_seconds: float = 5.0  # HTTP layer: deadline for headers and body
    graphql_max_cost: int = 500_000  # GraphQL layer: the cost budget of one operation
    graphql_max_response_bytes: int = 16 << 20  # GraphQL layer: largest answer of /graphql
    feed_max_bytes: int = 8 * 1024 * 1024  # provider feed API: largest feed body accepted
    feed_uploads_per_hour: int = 12  # provider feed API: uploads per key per sliding hour
    meili_timeout_seconds: float = 2.0  # outages: deadline of each Meilisearch request
    redis_timeout_seconds: float = 2.0  # outages: deadline of each Redis command
    search_stale_seconds: float = 900.0  # outages: cached searches served while Meilisearch is down
    smtp_data_timeout_seconds: float = 600.0  # email delivery: wait for the reply to the final dot
    smtp_pool_size: int = 10  # email delivery: SMTP connections a worker keeps open and reuses
    email_retry_horizon_hours: float = 48.0  # email delivery: retry transient failures this long
    search_interpret_places: bool = True  # search relevance: a place named in the text
    search_place_radius_km: float = 0.0  # search relevance: 0 = the place itself
    search_relax_dead_ends: bool = True  # search relevance: one relaxed search for nothing
    provider_link_days: int = 30  # provider self-service: how long a provider-page link works
    my_link_hours: int = 24  # jobseeker self-service: how long a "my study visits" link works
    my_link_requests_per_address_per_hour: int = 3  # jobseeker self-service: link requests
    my_link_requests_per_client_per_hour: int = 20  # jobseeker self-service: link requests
    registration_closes_hours_before: int = 24  # closing time: unless the feed says otherwise
    pending_reminder_hours: int = 24  # closing time: remind the provider of a PENDING one
    # scale-out (docs/scaling.md): Sentinel instead of REDIS_URL's host, Meilisearch replicas
    redis_sentinels: tuple[tuple[str, int], ...] = ()
    redis_sentinel_master: str = "studyvisits"
    redis_wait_replicas: int = 0  # registrations: replicas that must have a change
    redis_wait_timeout_seconds: float = 1.0  # registrations: how long to wait for them
    meili_urls: tuple[str, ...] = ()  # every Meilisearch instance; () = MEILI_URL alone
    meili_takeout_seconds: float = 5.0  # an instance that failed rests this long

    @property
    def meili_instances(self) -> tuple[str, ...]:
        """Every Meilisearch instance: ``MEILI_URLS``, else ``MEILI_URL`` alone."""
        return self.meili_urls or (self.meili_url,)
    waitlist_offer_hours: int = 24  # waitlist: how long an offered seat can be claimed

    @property
    def meili_read_key(self) -> str:
        """The key the API and the workers read with: ``MEILI_API_KEY``, else the master key.

        Only the indexer and the worker's feed loads write; they use the master key.
        """
        return self.meili_api_key or self.meili_master_key

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from ``environ`` (default: the process environment).

        Every problem is collected so that one error names every bad variable.
        """
        env = os.environ if environ is None else environ
        reader = _Reader(env)
        # scale-out: with MEILI_URLS, MEILI_URL may be left out (the first instance);
        # with REDIS_SENTINELS, REDIS_URL gives only the database, user and password.
        no_urls: tuple[str, ...] = ()
        no_sentinels: tuple[tuple[str, int], ...] = ()
        meili_urls = reader.get("MEILI_URLS", _url_list(("http", "https")), no_urls)
        sentinels = reader.get("REDIS_SENTINELS", _host_ports, no_sentinels)
        settings = cls(
            meili_url=reader.get("MEILI_URL", _url(("http", "https")),
                                 *(meili_urls[:1] or [])),
            meili_master_key=reader.get("MEILI_MASTER_KEY", _secret(16)),
            redis_url=reader.get("REDIS_URL", _url(("redis", "rediss", "unix")),
                                 *(["redis://localhost:6379/0"] if sentinels else [])),
            secret_key=reader.get("SECRET_KEY", _secret(32)),
            meili_index=reader.get("MEILI_INDEX", _index_uid, "courses"),
            smtp_host=reader.get("SMTP_HOST", _non_empty, "127.0.0.1"),
            smtp_port=reader.get("SMTP_PORT", _port, 1025),
            smtp_username=reader.get("SMTP_USERNAME", str, ""),
            smtp_password=reader.get("SMTP_PASSWORD", str, ""),
            smtp_starttls=reader.get("SMTP_STARTTLS", _bool, False),
            smtp_timeout_seconds=reader.get("SMTP_TIMEOUT_SECONDS", _positive_float, 10.0),
            mail_from=reader.get("MAIL_FROM", _non_empty, DEFAULT_MAIL_FROM),
            public_base_url=reader.get(
                "PUBLIC_BASE_URL", _url(("http", "https")), "http://127.0.0.1:8000"
            ).rstrip("/"),
            development=reader.get("DEVELOPMENT", _bool, False),
            cors_origins=reader.get("CORS_ORIGINS", _csv, ()),
            meili_api_key=reader.get("MEILI_API_KEY", _secret(16), ""),
            meili_task_timeout_seconds=reader.get(
                "MEILI_TASK_TIMEOUT_SECONDS", _positive_float, 120.0
            ),
            personal_data_retention_days=reader.get(
                "PERSONAL_DATA_RETENTION_DAYS", _positive_int, 30
            ),
            reminder_hours_before=reader.get("REMINDER_HOURS_BEFORE", _positive_int, 24),
            search_max_page_size=reader.get("SEARCH_MAX_PAGE_SIZE", _positive_int, 100),
            email_retry_base_seconds=reader.get(
                "EMAIL_RETRY_BASE_SECONDS", _positive_float, 30.0
            ),
            email_retry_max_seconds=reader.get(
                "EMAIL_RETRY_MAX_SECONDS", _positive_float, 3600.0
            ),
            worker_job_timeout_seconds=reader.get(
                "WORKER_JOB_TIMEOUT_SECONDS", _positive_float, 120.0
            ),
            registration_rate_limit_per_ip=reader.get(
                "REGISTRATION_RATE_LIMIT_PER_IP", _positive_int, 20
            ),
            registration_rate_limit_per_email=reader.get(
                "REGISTRATION_RATE_LIMIT_PER_EMAIL", _positive_int, 5
            ),
            registration_rate_window_seconds=reader.get(
                "REGISTRATION_RATE_WINDOW_SECONDS", _positive_int, 3600
            ),
            search_cache_size=reader.get("SEARCH_CACHE_SIZE", _non_negative_int, 2048),
            search_cache_redis=reader.get("SEARCH_CACHE_REDIS", _bool, False),
            # abuse limits: registrations (each emails the address) per address per 24 h
            emails_per_address_per_day=reader.get(
                "EMAILS_PER_ADDRESS_PER_DAY", _positive_int, 10
            ),
            # observability
            worker_metrics_port=reader.get("WORKER_METRICS_PORT", _port_or_off, 0),
            worker_metrics_host=reader.get("WORKER_METRICS_HOST", _non_empty, "127.0.0.1"),
            log_format=reader.get("LOG_FORMAT", _choice("text", "json"), "text"),
            # Durable registrations and disk erasure (core/durability.py, workers/disk_erasure.py)
            redis_durability=reader.get(
                "REDIS_DURABILITY", _choice("fsync", "waitaof", "none"), "fsync"
            ),
            redis_waitaof_timeout_seconds=reader.get(
                "REDIS_WAITAOF_TIMEOUT_SECONDS", _positive_float, 3.0
            ),
            personal_data_disk_erasure_hours=reader.get(
                "PERSONAL_DATA_DISK_ERASURE_HOURS", _positive_float, 24.0
            ),
            # HTTP layer: request body cap and read deadline
            feed_read_timeout_seconds=reader.get(
                "FEED_READ_TIMEOUT_SECONDS", _positive_float, 120.0
            ),
            max_request_bytes=reader.get("MAX_REQUEST_BYTES", _positive_int, 64 * 1024),
            request_read_timeout_seconds=reader.get(
                "REQUEST_READ_TIMEOUT_SECONDS", _positive_float, 5.0
            ),
            # GraphQL layer: cost budget and response-size cap
            graphql_max_cost=reader.get("GRAPHQL_MAX_COST", _positive_int, 500_000),
            graphql_max_response_bytes=reader.get(
                "GRAPHQL_MAX_RESPONSE_BYTES", _positive_int, 16 << 20),
            # provider feed API
            feed_max_bytes=reader.get("FEED_MAX_BYTES", _positive_int, 8 * 1024 * 1024),
            feed_uploads_per_hour=reader.get("FEED_UPLOADS_PER_HOUR", _positive_int, 12),
            # outages: deadlines towards the dependencies and the stale-answer window
            meili_timeout_seconds=reader.get("MEILI_TIMEOUT_SECONDS", _positive_float, 2.0),
            redis_timeout_seconds=reader.get("REDIS_TIMEOUT_SECONDS", _positive_float, 2.0),
            search_stale_seconds=reader.get("SEARCH_STALE_SECONDS", _non_negative_float, 900.0),
            # email delivery: RFC 5321 4.5.3.2 (10 minutes), and a mail server's retry horizon
            smtp_data_timeout_seconds=reader.get(
                "SMTP_DATA_TIMEOUT_SECONDS", _positive_float, 600.0
            ),
            smtp_pool_size=reader.get("SMTP_POOL_SIZE", _positive_int, 10),
            email_retry_horizon_hours=reader.get(
                "EMAIL_RETRY_HORIZON_HOURS", _retry_horizon_hours, 48.0
            ),
            # search relevance
            search_interpret_places=reader.get("SEARCH_INTERPRET_PLACES", _bool, True),
            search_place_radius_km=reader.get("SEARCH_PLACE_RADIUS_KM", _radius_km, 0.0),
            search_relax_dead_ends=reader.get("SEARCH_RELAX_DEAD_ENDS", _bool, True),
            # provider self-service (core/visits/provider_access.py): lifetime of a page link
            provider_link_days=reader.get("PROVIDER_LINK_DAYS", _positive_int, 30),
            # jobseeker self-service (core/visits/my_registrations.py): link and its limits
            my_link_hours=reader.get("MY_LINK_HOURS", _positive_int, 24),
            my_link_requests_per_address_per_hour=reader.get(
                "MY_LINK_REQUESTS_PER_ADDRESS_PER_HOUR", _positive_int, 3),
            my_link_requests_per_client_per_hour=reader.get(
                "MY_LINK_REQUESTS_PER_CLIENT_PER_HOUR", _positive_int, 20),
            # closing time and unanswered registrations (core/visits/closing.py)
            registration_closes_hours_before=reader.get(
                "REGISTRATION_CLOSES_HOURS_BEFORE", _non_negative_int, 24),
            pending_reminder_hours=reader.get("PENDING_REMINDER_HOURS", _positive_int, 24),
            # scale-out (docs/scaling.md)
            redis_sentinels=sentinels,
            redis_sentinel_master=reader.get(
                "REDIS_SENTINEL_MASTER", _non_empty, "studyvisits"),
            redis_wait_replicas=reader.get("REDIS_WAIT_REPLICAS", _non_negative_int, 0),
            redis_wait_timeout_seconds=reader.get(
                "REDIS_WAIT_TIMEOUT_SECONDS", _positive_float, 1.0),
            meili_urls=meili_urls,
            meili_takeout_seconds=reader.get("MEILI_TAKEOUT_SECONDS", _positive_float, 5.0),
            # waitlist (core/visits/waitlist.py): how long an offered seat waits for a claim
            waitlist_offer_hours=reader.get("WAITLIST_OFFER_HOURS", _positive_int, 24),
        )
        if reader.problems:
            raise SettingsError(reader.problems)
        return settings


_MISSING: Any = object()


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def get(self, name: str, parse: Callable[[str], T], default: T = _MISSING) -> T:
        raw = self.env.get(name)
        if raw is None or raw.strip() == "":
            if default is _MISSING:
                self.problems.append(f"{name} is required but not set")
            return default
        try:
            return parse(raw.strip())
        except ValueError as exc:
            self.problems.append(f"{name} is malformed: {exc}")
            return default


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in schemes or not (parts.netloc or parts.scheme == "unix"):
            raise ValueError(
                f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}"
            )
        return value

    return parse


def _secret(min_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) < min_length:
            raise ValueError(f"must be at least {min_length} characters long")
        return value

    return parse


def _non_empty(value: str) -> str:
    return value


def _index_uid(value: str) -> str:
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in value):
        raise ValueError("only ASCII letters, digits, '-' and '_' are allowed")
    return value


def _bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _port(value: str) -> int:
    port = _positive_int(value)
    if port > 65535:
        raise ValueError("expected a port number from 1 to 65535")
    return port


def _port_or_off(value: str) -> int:
    return 0 if value == "0" else _port(value)


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.lower() not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return value.lower()

    return parse


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("expected a whole number") from None
    if number <= 0:
        raise ValueError("expected a number greater than 0")
    return number


def _non_negative_int(value: str) -> int:
    if value == "0":
        return 0
    return _positive_int(value)


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("expected a number") from None
    if number <= 0:
        raise ValueError("expected a number greater than 0")
    return number


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("expected a number") from None
    if number < 0:
        raise ValueError("expected a number of 0 or more")
    return number


MAX_EMAIL_RETRY_HORIZON_HOURS = 168.0


def _retry_horizon_hours(value: str) -> float:
    """At most a week, like mail servers' queue lifetimes: an email job lives
    :data:`core.visits.dispatch.EMAIL_JOB_LIFETIME` (8 days) in the queue."""
    hours = _positive_float(value)
    if hours > MAX_EMAIL_RETRY_HORIZON_HOURS:
        raise ValueError(f"expected at most {MAX_EMAIL_RETRY_HORIZON_HOURS:.0f} hours")
    return hours


def _radius_km(value: str) -> float:
    """0 (the place itself) up to 500 km (wider, a town would hardly restrict a search)."""
    if value == "0":
        return 0.0
    number = _positive_float(value)
    if number > 500:
        raise ValueError("expected at most 500 (km)")
    return number


def _url_list(schemes: tuple[str, ...]) -> Callable[[str], tuple[str, ...]]:
    """Comma-separated URLs, each without its trailing slash."""
    one = _url(schemes)

    def parse(value: str) -> tuple[str, ...]:
        return tuple(one(part).rstrip("/") for part in _csv(value))

    return parse


def _host_ports(value: str) -> tuple[tuple[str, int], ...]:
    """``host:port,host:port`` (e.g. Sentinel addresses)."""
    pairs = []
    for part in _csv(value):
        host, _, port = part.rpartition(":")
        if not host:
            raise ValueError(f"expected host:port, got {part!r}")
        pairs.append((host, _port(port)))
    return tuple(pairs)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())
