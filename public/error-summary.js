// After a form comes back with errors, moves the focus to its error summary (GOV.UK pattern): screen readers read
// it out and keyboard users start from its links to the fields. Without errors, a field marked autofocus (a one-time
// code) keeps the focus the browser gave it.
(function () {
  var summary = document.getElementById('error-summary');
  if (summary && typeof summary.focus === 'function') summary.focus();
})();
