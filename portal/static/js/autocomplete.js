// Suggest titles in the search boxes as people type. The suggestions come from the search
// API (with the same access rule as everything else) into a native <datalist>, which keeps
// keyboard and screen-reader behaviour to the browser.
(function () {
  "use strict";
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) { return; }
      timer = setTimeout(function () {
        lastQuery = query;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        }).then(function (data) {
          list.replaceChildren();
          data.suggestions.forEach(function (suggestion) {
            var option = document.createElement("option");
            option.value = suggestion.title;
            list.appendChild(option);
          });
        }).catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  });
})();
