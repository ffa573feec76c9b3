// The item editor's Access tab: show each recipient field only for the labels that use it
// (data-tlp-for on the panel, set in cms/models/items.py). Without this script every field
// shows, and the server drops recipients the chosen label does not use.
(function () {
  "use strict";

  function init() {
    var select = document.querySelector("[data-tlp-field] select, select[name=tlp]");
    var panels = document.querySelectorAll("[data-tlp-for]");
    if (!select || !panels.length) { return; }

    function update() {
      panels.forEach(function (panel) {
        var unused = panel.dataset.tlpFor.split(" ").indexOf(select.value) === -1;
        panel.hidden = unused;
        panel.style.display = unused ? "none" : "";  // the admin's panel styles outrank [hidden]
      });
    }

    select.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
