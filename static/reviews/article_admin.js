/* The article admin: no keystroke lost, and a live preview for every section.
 * 1. A workflow button (Submit, Approve…) posts its own form, so unsaved edits in the article form would be
 *    dropped: warn first, and point to "Save and submit for review".
 * 2. django-markdownx starts its live preview on page load only; a section added with "Add another" is a
 *    copy of the hidden template whose editor is marked as started. Unmark it and let markdownx start it. */
(function () {
  "use strict";
  var dirty = false;
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("article_form");
    if (form) {
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
    }
    document.querySelectorAll(".workflow__move").forEach(function (move) {
      move.addEventListener("submit", function (event) {
        if (dirty && !window.confirm(
          "You have changes that are not saved. This button does not save them.\n\n" +
          "Press Cancel, then \"Save\" (or \"Save and submit for review\") first; press OK to continue and lose them."
        )) {
          event.preventDefault();
        }
      });
    });
  });
  document.addEventListener("formset:added", function (event) {
    var editors = event.target.querySelectorAll(".markdownx-editor[data-markdownx-init]");
    if (!editors.length) { return; }
    editors.forEach(function (editor) { editor.removeAttribute("data-markdownx-init"); });
    var original = document.querySelector('script[src*="markdownx/js/markdownx"]');
    if (original) {
      var again = document.createElement("script");
      again.src = original.src;  // markdownx starts every editor not yet started, once loaded
      document.body.appendChild(again);
    }
  });
})();
