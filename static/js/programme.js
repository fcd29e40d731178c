// Programme filters, progressive enhancement: empty fields stay out of the URL, so shared
// links read "?region=53&format=atelier" rather than a list of empty parameters. Without
// JavaScript the form works the same, with a longer URL.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.id !== "programme-filters") {
    return;
  }
  const emptied = [...form.elements].filter(
    (field) => field.name && field.tagName !== "BUTTON" && field.value === "",
  );
  emptied.forEach((field) => {
    field.disabled = true;
  });
  // Back to the page with the browser's "back" button: the fields work again.
  window.addEventListener(
    "pageshow",
    () => emptied.forEach((field) => {
      field.disabled = false;
    }),
    { once: true },
  );
});
