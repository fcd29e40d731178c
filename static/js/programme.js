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

// The selection's map, on demand: Leaflet and its data (about 70 KB) load when the visitor asks
// for the map, so a first visit stays light. Without JavaScript the button stays hidden and
// the list is the whole answer.
document.querySelectorAll("[data-map-loader]").forEach((loader) => {
  const button = loader.querySelector("button");
  loader.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    loader.dataset.styles.split(" ").forEach((href) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.append(link);
    });
    const scripts = loader.dataset.scripts.split(" ");
    const next = () => {
      const src = scripts.shift();
      if (!src) {
        loader.hidden = true;
        document.getElementById(loader.dataset.focus)?.focus();
        return;
      }
      const script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", next);
      document.body.append(script);
    };
    next();
  });
});
