"""Page numbers for DSFR's pagination component (`{% dsfr_pagination page_obj %}`)."""

from django.core.paginator import Page

ELLIPSIS = "…"


def with_page_numbers(page: Page) -> Page:
    """Set `page.pages_list`: 1, 2, …, the pages around the current one, …, the last two.

    django-dsfr's own `list_pages` loses the order of the numbers (it goes through a set).
    """
    last = page.paginator.num_pages
    numbers = sorted(
        {1, 2, page.number - 1, page.number, page.number + 1, last - 1, last}
        & set(range(1, last + 1))
    )
    items: list[int | str] = []
    for number in numbers:
        if items and number - items[-1] == 2:
            items.append(number - 1)  # an ellipsis would hide a single page
        elif items and number - items[-1] > 2:
            items.append(ELLIPSIS)
        items.append(number)
    page.pages_list = items
    return page
