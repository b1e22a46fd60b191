// The import job page: polls the job status until it is finished (no inline script: CSP).
(function () {
  "use strict";
  var section = document.getElementById("roster-job");
  if (!section || !window.fetch) { return; }
  var url = section.getAttribute("data-status-url");
  function show(id, text) {
    var node = document.getElementById(id);
    if (node) { node.textContent = text; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 2000); return; }
        show("job-status", data.status_display);
        show("job-total", data.total_rows);
        show("job-processed", data.processed_rows);
        show("job-imported", data.imported_count);
        show("job-percent", data.progress_percent + "%");
        var bar = document.getElementById("job-progress");
        if (bar) { bar.value = data.progress_percent; }
        if (data.is_finished) {
          window.location.reload();  // the server renders the outcome and any error list
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
})();
