"""The vendored chart bundle (`make vendor-charts`) is the production build: the package ships a
development one (Vue's checks and warnings, 449 KB), which every visitor of a bilan would
download and run."""

from pathlib import Path

from django.conf import settings

BUNDLE = Path(settings.BASE_DIR) / "static" / "vendor" / "dsfr-chart" / "BarChart.js"


def test_the_vendored_bar_chart_is_the_minified_production_build():
    source = BUNDLE.read_text(encoding="utf-8")
    # Every « NODE_ENV !== "production" » branch was resolved and dropped by esbuild.
    assert "NODE_ENV" not in source
    assert "You are running a development build of Vue" not in source
    assert len(source.encode()) < 320_000  # 449 KB as shipped
    assert source.count("\n") < 200  # minified: a few lines and the licence comments
    assert "@license MIT" in source  # the licences kept
