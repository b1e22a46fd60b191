/* 关怀模式 (care mode) for older readers: larger type, higher contrast, wider spacing.
   Remembered per browser (localStorage); the HTML is the same for everyone, so pages stay
   cacheable. Loaded in <head> so the mode applies before the first paint. No pop-ups. */
(function () {
  "use strict";
  var KEY = "portal-care-mode";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function apply(on) {
    root.classList.toggle("care-mode", on);
    var button = document.querySelector("[data-care-toggle]");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-care-toggle]");
    if (!button) return;
    button.hidden = false;
    apply(stored());
    button.addEventListener("click", function () {
      var on = !root.classList.contains("care-mode");
      try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
      apply(on);
    });
  });
})();
