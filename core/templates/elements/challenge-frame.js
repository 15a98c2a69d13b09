// Tender 3-D Secure frame (docs/embedded-fields.md): the modal's content. First it
// posts the challenge request to the issuer's ACS (inside the frame); the ACS posts
// the answer back to the gateway, whose last page tells the parent the outcome:
// the gateway's own payment page (same origin) is simply reloaded; a shop page gets
// a message sent only to the merchant's registered origins (never '*').
(function () {
  'use strict';
  var form = document.getElementById('challenge-frame-form');
  if (form && form.getAttribute('data-autosubmit') === 'true') {
    form.submit();
    return;
  }
  var done = document.getElementById('challenge-done');
  if (!done || window.parent === window) return;
  var sameOrigin = false;
  try {
    sameOrigin = window.parent.location.origin === window.location.origin;
  } catch (e) {
    sameOrigin = false;
  }
  if (sameOrigin) {
    window.top.location.href = done.getAttribute('data-page');
    return;
  }
  var message = { type: 'tender:challenge_done', payment: { id: done.getAttribute('data-payment'), status: done.getAttribute('data-status') } };
  var origins = (done.getAttribute('data-origins') || '').split(' ');
  for (var i = 0; i < origins.length; i++) if (origins[i]) window.parent.postMessage(message, origins[i]);
})();
