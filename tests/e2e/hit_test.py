"""Can every control be clicked where it is drawn? A hit test of each control's centre.

A control another element covers (the next card's enlarged link over a button, a sticky box
over a field) looks fine in the HTML and passes axe, yet a click on it lands elsewhere. For
each visible link, button, field and summary of `main` (collapsed content excluded), the test
scrolls it into view and asks `document.elementFromPoint` what is at the centre of each of its
line boxes: the control itself, one of its descendants or one of its labels must answer.
"""

from playwright.sync_api import Page

#: The widths of the sweep: a desktop, a tablet (DSFR's md breakpoint) and a phone.
WIDTHS = (1280, 768, 390)

_COVERED_CONTROLS = """
() => {
  const main = document.querySelector("main");
  if (!main) return [];
  const controls = main.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary"
  );
  const collapsed = (el) =>
    el.closest("[hidden], [inert], .fr-collapse:not(.fr-collapse--expanded)") !== null ||
    (el.tagName !== "SUMMARY" && el.closest("details:not([open])") !== null);
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .replace(/\\s+/g, " ")
      .trim()
      .slice(0, 60);
    const id = el.id ? `#${el.id}` : "";
    return `<${el.tagName.toLowerCase()}${id}> « ${text} »`;
  };
  const describeHit = (hit) => {
    if (!hit) return "nothing";
    const id = hit.id ? `#${hit.id}` : "";
    return `<${hit.tagName.toLowerCase()}${id} class="${hit.className}">`;
  };
  const receives = (el, hit) =>
    hit !== null &&
    (el === hit ||
      el.contains(hit) ||
      Array.from(el.labels || []).some((label) => label === hit || label.contains(hit)));
  const { scrollX, scrollY } = window;
  const covered = [];
  for (const el of controls) {
    if (collapsed(el) || !el.checkVisibility({ visibilityProperty: true })) continue;
    el.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    // Each line box of a link that wraps, else the control's box; screen-reader-only text
    // (one pixel, clipped) is not drawn.
    const boxes = Array.from(el.getClientRects()).filter((r) => r.width > 1 && r.height > 1);
    for (const box of boxes) {
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (!receives(el, hit)) {
        covered.push(`${describe(el)} under ${describeHit(hit)}`);
        break;
      }
    }
  }
  window.scrollTo({ left: scrollX, top: scrollY, behavior: "instant" });
  return covered;
}
"""


def covered_controls(page: Page) -> list[str]:
    """The controls of `main` that a click at their centre does not reach, as it is now."""
    return page.evaluate(_COVERED_CONTROLS)


def covered_controls_by_width(page: Page, widths=WIDTHS) -> dict[int, list[str]]:
    """`covered_controls` at each width (the page is laid out again, not reloaded); the
    viewport is put back as it was."""
    viewport = page.viewport_size or {"width": 1280, "height": 800}
    found = {}
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            found[width] = covered_controls(page)
    finally:
        page.set_viewport_size(viewport)
    return {width: controls for width, controls in found.items() if controls}
