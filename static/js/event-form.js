/*
 * Event form, progressive enhancement (the form works without it):
 * - "Ajouter une séance" adds a session row in the page instead of reloading it;
 * - fields that do not apply to the chosen registration mode, or to a session's attendance
 *   mode (its place, its online link), are hidden.
 */
(function () {
  "use strict";

  function setUpSessions() {
    var container = document.querySelector("[data-formset]");
    if (!container) {
      return;
    }
    var prefix = container.getAttribute("data-formset");
    var rows = container.querySelector("[data-formset-rows]");
    var template = document.getElementById("session-template");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var button = container.querySelector("[data-formset-add]");
    if (!rows || !template || !total || !button) {
      return;
    }
    button.addEventListener("click", function (event) {
      var index = parseInt(total.value, 10);
      if (isNaN(index) || (max && index >= parseInt(max.value, 10))) {
        return; // let the server say what is wrong
      }
      event.preventDefault();
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      // The new row's place and link follow its mode, as the others do.
      container.dispatchEvent(new Event("change", { bubbles: true }));
      var added = rows.lastElementChild;
      var first = added && added.querySelector("input:not([type=hidden])");
      if (first) {
        first.focus();
      }
    });
  }

  function controllerValue(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio") {
        if (input.checked) {
          return input.value;
        }
      } else if (input.type === "checkbox") {
        return input.checked ? "on" : "";
      } else {
        return input.value;
      }
    }
    return "";
  }

  function setUpConditionalFields() {
    var form = document.getElementById("event-form");
    if (!form) {
      return;
    }
    function update() {
      // Queried each time: rows added by "Ajouter une séance" have their own.
      form.querySelectorAll("[data-show-if]").forEach(function (input) {
        // A field hides its group; a block (a session's place or link) hides itself.
        var group = input.matches("input, select, textarea")
          ? input.closest(".fr-input-group, .fr-select-group, .fr-fieldset")
          : input;
        if (!group) {
          return;
        }
        var values = input.getAttribute("data-show-values").split(" ");
        var shown = values.indexOf(controllerValue(form, input.getAttribute("data-show-if"))) !== -1;
        // Never hide a field that holds an error: the organiser must see it.
        var hasError = group.querySelector(".fr-error-text") !== null;
        group.classList.toggle("fr-hidden", !shown && !hasError);
      });
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSessions();
    setUpConditionalFields();
  });
})();
