// Wagtail's sidebar search and the search form of the dashboard (or of a listing's header) are
// both unnamed search landmarks, which screen-reader users cannot tell apart (axe-core:
// landmark-unique). The page's own form gets a name; the sidebar's, rendered later, keeps its.
(function () {
  "use strict";
  document.querySelectorAll('form[role="search"]:not([aria-label]):not([aria-labelledby])')
    .forEach(function (form) {
      if (!form.closest("#wagtail-sidebar")) { form.setAttribute("aria-label", "This page"); }
    });
})();
