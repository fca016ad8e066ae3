// Enhancement only: every task works without this file.
// Move focus to the error summary so a screen reader announces it (the autofocus attribute
// does this in most browsers already; this covers the rest).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
