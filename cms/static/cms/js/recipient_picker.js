// The TLP:RED recipient picker (cms/recipients.py): search people and tick them.
// Without this script the editor adds people by email address instead.
(function () {
  "use strict";

  function setUp(picker) {
    var search = picker.querySelector("[data-search]");
    var input = search.querySelector("input[type=search]");
    var results = picker.querySelector("[data-results]");
    var chosen = picker.querySelector("[data-chosen]");
    var name = picker.dataset.name;
    var minQuery = parseInt(picker.dataset.minQuery, 10) || 2;
    var timer = null;
    var latest = 0;
    search.hidden = false;

    function describe(person) {
      return [person.name, person.organisation, person.email].filter(Boolean).join(" · ");
    }

    function isChosen(id) {
      return Boolean(chosen.querySelector('input[value="' + id + '"]'));
    }

    function choose(person) {
      var box = chosen.querySelector('input[value="' + person.id + '"]');
      if (!box) {
        var none = chosen.querySelector("[data-none]");
        if (none) { none.remove(); }
        var item = document.createElement("li");
        var label = document.createElement("label");
        box = document.createElement("input");
        box.type = "checkbox";
        box.name = name;
        box.value = person.id;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + describe(person)));
        item.appendChild(label);
        chosen.appendChild(item);
      }
      box.checked = true;
    }

    function show(people, more) {
      results.textContent = "";
      people.forEach(function (person) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small button-secondary";
        button.textContent = (isChosen(person.id) ? "Chosen: " : "Add ") + describe(person);
        button.addEventListener("click", function () {
          choose(person);
          button.textContent = "Chosen: " + describe(person);
        });
        item.appendChild(button);
        results.appendChild(item);
      });
      var note = document.createElement("li");
      if (!people.length) {
        note.textContent = "No one found.";
        results.appendChild(note);
      } else if (more) {
        note.textContent = "More people match: type more to narrow the search.";
        results.appendChild(note);
      }
    }

    function lookUp() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (query.length < minQuery) {
        results.textContent = "";
        return;
      }
      fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: {"Accept": "application/json"}
      }).then(function (response) {
        return response.ok ? response.json() : {results: [], more: false};
      }).then(function (data) {
        if (ticket === latest) { show(data.results || [], data.more); }
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); lookUp(); }  // never submit the page
    });
  }

  function init() {
    document.querySelectorAll("[data-recipient-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
