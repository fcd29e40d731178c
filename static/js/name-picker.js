/* The name pickers (moisinno.forms.NamePicker): choose several organisations or labs among
 * hundreds by typing a few letters.
 *
 * Without this script the picker is a list of checked boxes (the rows chosen) and a text field
 * the server matches by name. With it, the text field is an ARIA 1.2 combobox with a listbox
 * of suggestions (arrows to move, Enter to choose, Escape to close), each chosen row a line
 * with its « Retirer » button, and a polite live region says what was added or removed.
 * The options come from a json_script ([[key, name], …]); every text is set with
 * textContent.
 */
(function () {
  "use strict";

  var MAX_SUGGESTIONS = 8;
  var LIGATURES = { "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae" };

  // The server's moisinno.text.fold: lowercase, without accents or ligatures.
  function fold(text) {
    return text
      .replace(/[œŒæÆ]/g, function (letter) {
        return LIGATURES[letter];
      })
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean)
      .join(" ");
  }

  function setUp(picker) {
    var data = document.getElementById(picker.dataset.pickerOptions);
    var input = picker.querySelector("[data-picker-input]");
    var chosenList = picker.querySelector("[data-picker-chosen]");
    if (!data || !input || !chosenList) {
      return;
    }
    var name = picker.dataset.pickerName;
    var options = JSON.parse(data.textContent)
      .map(function (option) {
        return { key: String(option[0]), name: option[1], folded: fold(option[1]) };
      })
      .sort(function (a, b) {
        return a.folded.localeCompare(b.folded, "fr");
      });
    var byKey = {};
    options.forEach(function (option) {
      byKey[option.key] = option;
    });

    var listbox = document.createElement("ul");
    listbox.id = input.id + "-suggestions";
    listbox.className = "moisinno-picker__suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "Suggestions");
    listbox.hidden = true;
    input.parentNode.appendChild(listbox);

    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("aria-live", "polite");
    picker.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    var suggestions = [];
    var active = -1;

    function say(text) {
      status.textContent = text;
    }

    function chosenKeys() {
      var keys = {};
      chosenList.querySelectorAll("input[name='" + name + "']").forEach(function (field) {
        keys[field.value] = true;
      });
      return keys;
    }

    function close() {
      listbox.hidden = true;
      listbox.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      suggestions = [];
      active = -1;
    }

    function highlight(position) {
      active = position;
      listbox.querySelectorAll("[role=option]").forEach(function (item, itemIndex) {
        item.setAttribute("aria-selected", itemIndex === active ? "true" : "false");
      });
      if (active >= 0) {
        var item = document.getElementById(listbox.id + "-" + active);
        input.setAttribute("aria-activedescendant", item.id);
        item.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function suggest() {
      var words = fold(input.value).split(" ").filter(Boolean);
      close();
      if (!words.length) {
        return;
      }
      var taken = chosenKeys();
      var found = options.filter(function (option) {
        return (
          !taken[option.key] &&
          words.every(function (word) {
            return option.folded.indexOf(word) !== -1;
          })
        );
      });
      suggestions = found.slice(0, MAX_SUGGESTIONS);
      if (!suggestions.length) {
        say("Aucun nom ne correspond.");
        return;
      }
      suggestions.forEach(function (option, position) {
        var item = document.createElement("li");
        item.id = listbox.id + "-" + position;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = option.name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // the focus stays in the text field
        });
        item.addEventListener("click", function () {
          choose(option);
        });
        listbox.appendChild(item);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      say(
        found.length > suggestions.length
          ? found.length + " noms correspondent, les " + suggestions.length + " premiers sont proposés."
          : suggestions.length + (suggestions.length > 1 ? " suggestions." : " suggestion.")
      );
    }

    function removeButton(option) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fr-btn fr-btn--sm fr-btn--tertiary-no-outline";
      button.textContent = "Retirer";
      var what = document.createElement("span");
      what.className = "fr-sr-only";
      what.textContent = " " + option.name;
      button.appendChild(what);
      return button;
    }

    // A chosen row: its name, its key in a hidden field, its « Retirer » button.
    function addItem(option) {
      var item = document.createElement("li");
      item.setAttribute("data-picker-item", "");
      var label = document.createElement("span");
      label.className = "moisinno-picker__name";
      label.textContent = option.name;
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      field.value = option.key;
      item.appendChild(label);
      item.appendChild(field);
      item.appendChild(removeButton(option));
      chosenList.appendChild(item);
      chosenList.hidden = false;
      return item;
    }

    function choose(option) {
      addItem(option);
      input.value = "";
      close();
      say(option.name + " : ajouté. " + count());
      input.focus();
    }

    function count() {
      var number = chosenList.querySelectorAll("[data-picker-item]").length;
      return number ? number + (number > 1 ? " choix retenus." : " choix retenu.") : "Aucun choix retenu.";
    }

    chosenList.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) {
        return;
      }
      var item = button.closest("[data-picker-item]");
      var option = byKey[item.querySelector("input").value];
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      chosenList.hidden = !chosenList.querySelector("[data-picker-item]");
      say((option ? option.name : "Choix") + " : retiré. " + count());
      (next ? next.querySelector("button") : input).focus();
    });

    input.addEventListener("input", suggest);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          suggest();
          if (listbox.hidden) {
            return;
          }
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var last = suggestions.length - 1;
        var position = active + step;
        highlight(position > last ? 0 : position < 0 ? last : position);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(suggestions[active]);
        } else if (open && suggestions.length === 1) {
          event.preventDefault();
          choose(suggestions[0]);
        } else if (input.value.trim()) {
          // Not the form's submission: a name is being typed.
          event.preventDefault();
          suggest();
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      }
    });

    // The rows the server sent as checked boxes become lines with their « Retirer » button.
    chosenList.querySelectorAll("li").forEach(function (item) {
      var box = item.querySelector("input[type=checkbox]");
      var option = box && byKey[box.value];
      if (option) {
        chosenList.insertBefore(addItem(option), item);
      }
      item.remove();
    });
    chosenList.hidden = !chosenList.querySelector("[data-picker-item]");
    picker.classList.add("moisinno-picker--enhanced");
  }

  function start() {
    document.querySelectorAll("[data-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
