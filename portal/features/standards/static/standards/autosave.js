// Saves each clause of a self-assessment as soon as it changes; the Save buttons remain for
// anyone without JavaScript.
(function () {
  "use strict";
  function save(form) {
    var state = form.querySelector(".save-state");
    state.textContent = "Saving…";
    fetch(window.location.pathname, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (!result.ok) {
        var messages = [];
        Object.keys(result.data.errors || {}).forEach(function (key) {
          messages = messages.concat(result.data.errors[key]);
        });
        state.textContent = "Not saved: " + messages.join(" ");
        return;
      }
      state.textContent = "Saved";
      // Rendered and escaped by the server's template.
      document.getElementById("assessment-summary").innerHTML = result.data.summary;
    }).catch(function () { state.textContent = "Not saved: check your connection."; });
  }
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    form.addEventListener("change", function () { save(form); });
  });
})();
