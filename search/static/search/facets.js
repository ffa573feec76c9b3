// Apply the search filters as soon as an option is ticked. Without this script the form's
// button does the same. After the page reloads, focus returns to the option just changed, so
// keyboard users keep their place.
(function () {
  "use strict";
  var KEY = "search-facet-focus";
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.querySelectorAll("[data-auto-submit-button]").forEach(function (button) {
      button.hidden = true;
    });
    form.querySelectorAll("[data-auto-submit-hint]").forEach(function (hint) {
      hint.hidden = false;
    });
    form.addEventListener("change", function (event) {
      if (event.target.id) { sessionStorage.setItem(KEY, event.target.id); }
      form.submit();
    });
  });
  var last = sessionStorage.getItem(KEY);
  if (last) {
    sessionStorage.removeItem(KEY);
    var input = document.getElementById(last);
    if (input) {
      var details = input.closest("details");  // the "Filters" disclosure, closed on phones
      if (details) { details.open = true; }
      input.focus();
    }
  }
})();
