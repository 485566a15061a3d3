// Warns a signed-in person two minutes before an idle session ends (USWDS-styled <dialog>), lets them stay
// signed in, and goes to the sign-in page when the session has ended. Without JavaScript, a <noscript> meta
// refresh in the page does the last part.
(function () {
  var dialog = document.getElementById('session-timeout');
  if (!dialog || typeof dialog.showModal !== 'function') return;
  var idle = Number(dialog.getAttribute('data-idle-seconds')) * 1000;
  var warn = Number(dialog.getAttribute('data-warning-seconds')) * 1000;
  var token = dialog.getAttribute('data-csrf');
  var warnTimer, endTimer;
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(
      function () {
        dialog.showModal();
      },
      Math.max(0, idle - warn),
    );
    endTimer = setTimeout(function () {
      window.location.assign('/account/sign-in?timeout=1');
    }, idle);
  }
  document.getElementById('session-timeout-stay').addEventListener('click', function () {
    fetch('/account/session/extend', { method: 'POST', headers: { 'x-csrf-token': token }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('not extended');
        dialog.close();
        schedule();
      })
      .catch(function () {
        window.location.assign('/account/sign-in?timeout=1');
      });
  });
  schedule();
})();
