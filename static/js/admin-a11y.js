// Back-office accessibility repairs of Django's own widgets (event change page).
// Loaded after the admin's scripts; their widgets are built on the window's load event.
window.addEventListener("load", () => {
  // filter_horizontal: the filter boxes' only label is an icon carrying an aria-label, which
  // a span may not have. The text becomes the label's content (visually hidden) and a tooltip.
  document.querySelectorAll("span.help-tooltip[aria-label]").forEach((icon) => {
    const text = icon.getAttribute("aria-label");
    icon.removeAttribute("aria-label");
    icon.title = text;
    const hidden = document.createElement("span");
    hidden.className = "moisinno-sr-only";
    hidden.textContent = text;
    icon.after(hidden);
  });

  // Date and time inputs: describe them by the timezone warning only when it was written.
  document.querySelectorAll("input.vDateField, input.vTimeField").forEach((input) => {
    const warning = document.getElementById(`${input.id}_timezone_warning_helptext`);
    if (warning) {
      input.setAttribute("aria-describedby", warning.id);
    }
  });

  // select2 (autocomplete fields): its search box has no label. Name it after the field's
  // label, and again whenever select2 renders it anew.
  const nameSearchBoxes = () => {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const container = select.nextElementSibling;
      if (!label || !container) {
        return;
      }
      container.querySelectorAll(".select2-search__field").forEach((search) => {
        search.setAttribute("aria-label", `Rechercher : ${label.textContent.replace(/\s*:\s*$/, "").trim()}`);
      });
    });
  };
  nameSearchBoxes();
  new MutationObserver(nameSearchBoxes).observe(document.body, { childList: true, subtree: true });
});
