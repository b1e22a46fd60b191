/* A little vanilla JS, and nothing depends on it: the tree opens and closes with <details>.
   "Open all" / "Close all" buttons for the organisation tree appear only when script runs. */
(function () {
  "use strict";
  var tools = document.querySelector("[data-tree-tools]");
  if (!tools) return;
  tools.hidden = false;
  tools.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tree]");
    if (!button) return;
    var open = button.getAttribute("data-tree") === "open";
    document.querySelectorAll(".org-tree details").forEach(function (d) { d.open = open; });
  });
})();
