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
      var summary = document.getElementById("assessment-summary");
      summary.querySelector("[data-answered]").textContent = result.data.answered;
      summary.querySelector("[data-percent]").textContent = result.data.percent;
    }).catch(function () { state.textContent = "Not saved: check your connection."; });
  }
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    form.addEventListener("change", function () { save(form); });
  });
})();
