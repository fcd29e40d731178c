"""gunicorn's settings, read from the working directory (`/app` in the image; the repository's
root for `make bench` and `make cluster`). Options given on the command line still win.

Each worker imports WeasyPrint when it starts, before it takes a request: the import takes
1.5–2 s, which the first visitor of a worker asking for a poster, a visual or a small printed
programme (printed within the request) would otherwise wait, past the 2-second promise of
`programme/paper`. It costs about 30 MB a worker; `PAPER_PRELOAD=false` leaves it to the first
print.
"""

import os


def post_worker_init(worker):
    if os.environ.get("PAPER_PRELOAD", "true").lower() not in {"0", "false", "no"}:
        from programme.paper.rendering import preload  # noqa: PLC0415 - app registry

        preload()
    from moisinno.garbage import settle_worker  # noqa: PLC0415 - app registry

    settle_worker()


def post_request(worker, req, environ, resp):
    from moisinno.garbage import collect_after_request  # noqa: PLC0415 - app registry

    collect_after_request()
