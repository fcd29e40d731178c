"""Churn: the warm site under random URLs while events change, as in November.

Each request of wrk is a random URL among 444 of the whole public site (the programme, 40
selections — filters, searches, pages —, 400 event pages, home, calendar, labs, a feed), all
primed first; meanwhile `bench/change_events.py` saves a published event's summary every N
seconds, as a moderator would. Three runs: no change, a change every 30 s, every 5 s; each
reported with its ratio to the no-change run. Called by `bench/bench.py` (`--churn-only` runs
it alone). The registration variant (`REGISTRATION_RUNS`, `--registrations-only`): a
registration confirmed every second instead of the edits.
"""

import json
import random
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93"]
FORMATS = ["conference", "webinaire", "atelier", "table-ronde", "visite", "formation"]
THEMES = ["co-production", "design-de-services", "donnees", "numerique", "experience-usager"]
SEARCHES = ["atelier", "numérique", "usagers", "données", "simplification", "atelir"]


def selections() -> list[str]:
    """40 programme selections a visitor makes: filters, searches, their pages."""
    urls = [f"/programme/?region={code}" for code in REGIONS]
    urls += [f"/programme/?format={slug}" for slug in FORMATS]
    urls += [f"/programme/?theme={slug}" for slug in THEMES]
    urls += [f"/programme/?q={urllib.parse.quote(word)}" for word in SEARCHES]
    urls += [f"/programme/?region=53&format={slug}" for slug in FORMATS[:4]]
    urls += [f"/programme/?page={page}" for page in range(2, 9)]
    assert len(urls) == 40, len(urls)
    return urls


def site_urls(event_slugs: list[str]) -> list[str]:
    rng = random.Random(2022)
    events = [
        f"/evenements/{slug}/" for slug in rng.sample(event_slugs, min(400, len(event_slugs)))
    ]
    fixed = ["/", "/programme/", "/programme/calendrier/", "/labs/", "/programme.ics?region=53"]
    return fixed[:2] + selections() + events + fixed[2:]


def load(base: str, urls_file: Path, duration: int, connections: int, threads: int, env) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-H",
            "Accept-Encoding: gzip, deflate, br, zstd",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(ROOT / "bench" / "random_urls.lua"),
            base,
        ],
        check=True,
        text=True,
        stdout=subprocess.PIPE,
        env={**env, "URLS": str(urls_file)},
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    data["rps"] = data["requests"] / data["seconds"]
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return data


#: The runs of the churn: a label, and the command that changes things meanwhile (None: nothing),
#: which prints READY once set up and `CHANGES <n>` at the end.
EVENT_RUNS = [
    ("no change", None),
    ("a change every 30 s", ["bench/change_events.py", "30"]),
    ("a change every 5 s", ["bench/change_events.py", "5"]),
]
#: A registration confirmed every second on an event (bench/confirm_registrations.py): only
#: that event's page is out of date, never the lists (`public_counts_changed`).
REGISTRATION_RUNS = [
    ("no change", None),
    ("a registration every second", ["bench/confirm_registrations.py", "trickle", "1"]),
]


def churn(
    base: str, urls: list[str], duration: int, args, env: dict, runs: list | None = None
) -> dict:
    """The runs (`EVENT_RUNS` unless told) against a server already started at `base` (page
    cache in Redis)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(urls) + "\n")
        urls_file = Path(handle.name)
    print(f"- priming {len(urls)} URLs", flush=True)
    for url in urls:
        request = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
    results = {}
    for label, command in runs or EVENT_RUNS:
        print(f"- {label}: wrk -t{args.threads} -c{args.connections} -d{duration}s", flush=True)
        changer = None
        if command:
            changer = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "python"), *command, str(duration)],
                cwd=ROOT,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
            )
            # Its start-up (Django, a query) is not what the site pays for a change.
            assert changer.stdout.readline().strip() == "READY"
        data = load(base, urls_file, duration, args.connections, args.threads, env)
        if changer:
            out, _ = changer.communicate(timeout=duration + 60)
            data["changes"] = int(out.split()[-1])
        results[label] = data
    urls_file.unlink()
    return results


def churn_table(results: dict) -> str:
    base = results["no change"]["rps"]
    rows = [
        "| run | changes | req/s | ratio to no change | p50 ms | p90 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, data in results.items():
        rows.append(
            f"| {label} | {data.get('changes', 0)} | {data['rps']:.0f} | {data['rps'] / base:.2f} "
            f"| {data['p50_ms']:.1f} | {data['p90_ms']:.1f} | {data['p99_ms']:.1f} "
            f"| {data['errors']} |"
        )
    return "\n".join(rows)
