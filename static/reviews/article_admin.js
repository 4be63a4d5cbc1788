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

/* 3. The live preview numbers citations as the page will, and flags unknown keys: before markdownx asks for
 *    a preview (it reads the URL attribute on each request), tell it the keys attached in the references
 *    below (saved or not) and the keys cited by the sections above, in page order. */
(function () {
  "use strict";
  var KEYS = /\[(@[^\]]+)\]/g;
  function attachedKeys() {
    var keys = [];
    document.querySelectorAll('input[name^="citations-"][name$="-key"]').forEach(function (input) {
      var prefix = input.name.slice(0, -"key".length);
      var reference = document.querySelector('[name="' + prefix + 'reference"]');
      var deleted = document.querySelector('[name="' + prefix + 'DELETE"]');
      if (input.value.trim() && reference && reference.value && !(deleted && deleted.checked)) { keys.push(input.value.trim()); }
    });
    return keys;
  }
  function citedIn(text) {
    var keys = [], group;
    while ((group = KEYS.exec(text)) !== null) {
      group[1].split(";").forEach(function (part) { keys.push(part.trim().replace(/^@/, "")); });
    }
    return keys;
  }
  function earlierKeys(editor) {
    var match = /^id_sections-(\d+)-(body\w*)$/.exec(editor.id);
    if (!match) { return []; }
    var kindOf = function (index) { var s = document.getElementById("id_sections-" + index + "-kind"); return s ? parseInt(s.value, 10) || 99 : 99; };
    var mine = kindOf(match[1]), sections = [];
    document.querySelectorAll('textarea[id^="id_sections-"][id$="-body"]').forEach(function (body) {
      var index = body.id.split("-")[1];
      if (index === "__prefix__" || index === match[1] || kindOf(index) >= mine) { return; }
      var version = document.getElementById("id_sections-" + index + "-" + match[2]);
      sections.push([kindOf(index), (version && version.value.trim()) ? version.value : body.value]);
    });
    sections.sort(function (a, b) { return a[0] - b[0]; });
    return [].concat.apply([], sections.map(function (s) { return citedIn(s[1]); }));
  }
  document.addEventListener("input", function (event) {
    var editor = event.target;
    if (!editor.classList || !editor.classList.contains("markdownx-editor")) { return; }
    var base = (editor.getAttribute("data-markdownx-urls-path") || "").split("?")[0];
    editor.setAttribute("data-markdownx-urls-path", base + "?keys=" + encodeURIComponent(attachedKeys().join(",")) +
      "&earlier=" + encodeURIComponent(earlierKeys(editor).join(",")));
  }, true);
})();
