// A help request's status link is /help/status/#CODE. The part after # is never sent to the
// server, so the code stays out of its access log: put it into the form, drop it from the address
// bar and the history, and send the form (a POST: the code travels in the body). Without this
// script the page is the plain form: the code is typed in.
(function () {
  var hash = window.location.hash;
  if (!hash || hash.length < 2) return;
  var code = "";
  try { code = decodeURIComponent(hash.slice(1)).trim(); } catch (e) { return; }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  var field = document.getElementById("help-code");
  if (!field || !code) return;
  field.value = code;
  if (/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/.test(code) && field.form) field.form.submit();
})();
