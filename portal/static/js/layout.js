// The layout's small behaviours. Everything here is an enhancement: without this script the
// header's menu stays open, the account disclosure opens and closes natively, and the search
// filters sit in a disclosure that people open themselves.
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 699.98px)");
  var WIDE = window.matchMedia("(min-width: 60rem)");  // the search page's sidebar layout

  // The header's menu button: collapses the navigation on phones (the button is shown only
  // there, by portal.css, once this script has marked the header).
  var header = document.querySelector(".site-header");
  var toggle = header && header.querySelector(".menu-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (menu) {
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-collapsed", !open);
    };
    header.classList.add("has-menu-toggle");
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && PHONE.matches) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Disclosures marked data-open-wide (the search filters) stand open on wider screens,
  // where they are a sidebar, and start closed on phones.
  var wide = document.querySelectorAll("details[data-open-wide]");
  var follow = function () {
    wide.forEach(function (details) {
      // Kept open where focus already is (facets.js returns it to the option just ticked).
      details.open = WIDE.matches || details.contains(document.activeElement);
    });
  };
  if (wide.length) {
    follow();
    WIDE.addEventListener("change", follow);
  }

  // The account disclosure in the header closes on Escape and on a click elsewhere.
  document.querySelectorAll("details.account-menu").forEach(function (details) {
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
        event.stopPropagation();
      }
    });
    document.addEventListener("click", function (event) {
      if (details.open && !details.contains(event.target)) { details.open = false; }
    });
  });
})();
