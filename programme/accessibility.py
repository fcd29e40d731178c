"""The accessibility statement's figures, read from the committed sweep measurements.

`tests/e2e/test_sweep.py` opens every page template in Chromium, runs axe-core and the Nu HTML
checker, and fails when its results differ from `data/accessibility_sweep.json`. The statement
(`/accessibilite/`) shows that file, so it says only what was measured.
"""

import datetime
import json
from functools import cache
from pathlib import Path

SWEEP_FILE = Path(__file__).resolve().parent / "data" / "accessibility_sweep.json"

KIND_LABELS = {
    "public": "Pages publiques",
    "account": "Compte (connexion, inscription, mot de passe)",
    "organizer": "Espace organisateur",
    "admin": "Back-office de modération",
    "error": "Pages d’erreur",
}


def sweep_summary(measurements: dict) -> dict:
    """Per page type: pages, axe rules and nodes failed, Nu errors; and the pages with defects."""
    by_kind: dict[str, dict] = {}
    for kind in KIND_LABELS:
        pages = [p for p in measurements.get("pages", []) if p["kind"] == kind]
        if not pages:
            continue
        by_kind[kind] = {
            "label": KIND_LABELS[kind],
            "pages": len(pages),
            "axe_rules": sum(len(p["axe"]) for p in pages),
            "axe_nodes": sum(sum(p["axe"].values()) for p in pages),
            "nu_errors": sum(len(p["nu"]) for p in pages),
            "clean_pages": sum(1 for p in pages if not p["axe"] and not p["nu"]),
        }
    pages = measurements.get("pages", [])
    return {
        "by_kind": by_kind,
        "pages": len(pages),
        "clean_pages": sum(1 for p in pages if not p["axe"] and not p["nu"]),
        "defects": [p for p in pages if p["axe"] or p["nu"]],
        "tools": measurements.get("tools", {}),
        "measured_on": (
            datetime.date.fromisoformat(measurements["measured_on"])
            if measurements.get("measured_on")
            else None
        ),
        "all_pages": pages,
    }


@cache
def statement_figures() -> dict:
    """The committed measurements, summarised for the statement (read once per process)."""
    if not SWEEP_FILE.exists():
        return sweep_summary({})
    return sweep_summary(json.loads(SWEEP_FILE.read_text(encoding="utf-8")))
