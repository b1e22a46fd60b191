// Copy buttons: <button data-copy-target="input-id" data-copied-text="…">. Without the clipboard
// API (old browsers, plain http), select the text so the person can copy it by hand.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field) return;
  field.select();
  const done = () => {
    const label = button.textContent;
    button.textContent = button.dataset.copiedText || label;
    setTimeout(() => { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => {});
  } else {
    try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: copy by hand */ }
  }
});
