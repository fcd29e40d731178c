import pytest

from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.html_checker import assert_valid_html

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_axe_scan_reports_violations_readably(page):
    # Guards the harness itself: a scan that silently found nothing would pass every page.
    page.set_content(
        '<html lang="fr"><head><title>t</title></head><body><img src="x.png"></body></html>'
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)

    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "* img" in message


def test_html_checker_reports_invalid_html_readably(page):
    # Guards the harness itself: a checker that silently accepted everything would pass.
    html = (
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head>'
        '<body><div aria-labelledby="x">a</div></body></html>'
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_valid_html(page, html=html)

    message = str(failure.value)
    assert "aria-labelledby" in message
    assert "line 1" in message
