"""System checks of a production configuration (`manage.py check --deploy`).

A cache local to each process is fine for one process (`make run`, one gunicorn worker); with
several, every rate limit counts per worker: allauth's login lock-out, password-reset e-mails,
sign-ups, the API's and the organiser's limits. How many workers will run is read from
`WEB_CONCURRENCY` (gunicorn's own default for `--workers`, which the Docker image sets) and from
`--workers`/`-w` in `GUNICORN_CMD_ARGS`. See docs/configuration.md, `WEB_CONCURRENCY`.
"""

import os
import shlex

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from .ratelimit import parse_limits

#: Cache backends whose data live in one process only.
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def configured_web_workers() -> int:
    """The number of gunicorn worker processes this configuration will run (at least 1)."""
    workers = _int(os.environ.get("WEB_CONCURRENCY"))
    args = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    for index, arg in enumerate(args):
        if arg in {"-w", "--workers"} and index + 1 < len(args):
            workers = max(workers, _int(args[index + 1]))
        elif arg.startswith("--workers="):
            workers = max(workers, _int(arg.split("=", 1)[1]))
        elif arg.startswith("-w") and arg[2:].isdigit():
            workers = max(workers, _int(arg[2:]))
    return max(1, workers)


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[CheckMessage]:
    """A missing shared cache is an error as soon as more than one web worker can run."""
    workers = configured_web_workers()
    backend = settings.CACHES["default"]["BACKEND"]
    if workers <= 1 or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            f"{workers} web workers will run (WEB_CONCURRENCY / GUNICORN_CMD_ARGS) but the cache "
            f"is local to each process ({backend.rsplit('.', 1)[-1]}): every rate limit (login "
            "failures, password-reset e-mails, sign-ups, event creation, the API) would count "
            "per worker and let through up to that many times its limit.",
            hint=(
                "Set CACHE_URL (or REDIS_URL) to a shared Redis, e.g. redis://redis:6379/0, "
                "or run a single worker (WEB_CONCURRENCY=1)."
            ),
            id="moisinno.E001",
        )
    ]


@register(Tags.security)
def check_rate_limit_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    """A malformed organiser limit is reported by every `manage.py` command (`migrate` at
    deployment included), not at the first creation."""
    errors = []
    for name in ("EVENT_CREATE_RATE_LIMIT", "EVENT_SUBMIT_RATE_LIMIT"):
        try:
            parse_limits(getattr(settings, name))
        except ValueError:
            errors.append(
                Error(
                    f"{name}={getattr(settings, name)!r} is not a rate limit.",
                    hint="amount/period/per, like allauth's: e.g. 20/h/user,50/h/organization.",
                    id="moisinno.E002",
                )
            )
    return errors
