// Passkeys (WebAuthn) with the SimpleWebAuthn browser bundle (/assets/webauthn/index.umd.min.js, loaded first).
// Each <form data-passkey="register|authenticate" data-options-url="..."> is hidden in the page; when this
// browser can use passkeys, the form (and its [data-passkey-section]) is shown and the no-JavaScript notice
// ([data-passkey-nojs]) hidden. On submit: fetch the options (POST, CSRF token in a header), run the ceremony,
// put the browser's answer in the form's `response` field and submit the form normally. Without JavaScript or
// WebAuthn nothing changes: the other methods remain.
(function () {
  var lib = window.SimpleWebAuthnBrowser;
  if (!lib || !lib.browserSupportsWebAuthn || !lib.browserSupportsWebAuthn()) return;
  var forms = document.querySelectorAll('form[data-passkey]');
  Array.prototype.forEach.call(forms, function (form) {
    var section = form.closest('[data-passkey-section]');
    if (section) section.hidden = false;
    form.hidden = false;
    var status = form.querySelector('[data-passkey-status]');
    var token = form.querySelector('input[name="_csrf"]');
    form.addEventListener('submit', function (event) {
      if (form.getAttribute('data-ready') === '1') return;
      event.preventDefault();
      if (status) status.textContent = '';
      var button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      fetch(form.getAttribute('data-options-url'), {
        method: 'POST',
        headers: { 'x-csrf-token': token ? token.value : '', accept: 'application/json' },
        credentials: 'same-origin',
      })
        .then(function (response) {
          // Sent elsewhere (re-authentication needed, session ended): go there.
          if (response.redirected) {
            window.location.assign(response.url);
            throw new Error('redirected');
          }
          if (!response.ok) throw new Error('options ' + response.status);
          return response.json();
        })
        .then(function (options) {
          return form.getAttribute('data-passkey') === 'register'
            ? lib.startRegistration({ optionsJSON: options })
            : lib.startAuthentication({ optionsJSON: options });
        })
        .then(function (credential) {
          form.querySelector('input[name="response"]').value = JSON.stringify(credential);
          form.setAttribute('data-ready', '1');
          form.submit();
        })
        .catch(function (error) {
          if (button) button.disabled = false;
          if (error && error.message === 'redirected') return;
          if (status) status.textContent = form.getAttribute('data-failed-message');
        });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-passkey-nojs]'), function (notice) {
    notice.hidden = true;
  });
})();
