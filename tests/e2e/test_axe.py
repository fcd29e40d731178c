import pytest

from tests.e2e.axe import assert_no_axe_violations

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
