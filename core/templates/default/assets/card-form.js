// Tender payment form island and 3-D Secure page: progressive enhancement only. The
// form works without this file (the server checks everything again); no inline
// handlers, CSP nonce only.
(function () {
  'use strict';
  var form = document.getElementById('card-form');
  var challenge = document.getElementById('challenge-form');
  if (challenge && challenge.getAttribute('data-autosubmit') === 'true') {
    challenge.submit();
    return;
  }
  // In the payment page's island frame: tell the page (same origin only) how tall the island is.
  if (window.parent !== window && document.documentElement.classList.contains('island-doc')) {
    var reportHeight = function () {
      // The body's own height: the document's scrollHeight is never less than the frame, so it could not shrink.
      window.parent.postMessage({ type: 'tender:island-height', height: Math.ceil(document.body.getBoundingClientRect().height) }, window.location.origin);
    };
    reportHeight();
    if (typeof ResizeObserver === 'function') new ResizeObserver(reportHeight).observe(document.body);
  }
  // Without the shared checks (a theme layout that does not load card-checks.js) the form still works: the server checks.
  if (!form || !window.TenderCardChecks) return;
  var number = document.getElementById('card-number');
  var expiry = document.getElementById('card-expiry');
  var cvc = document.getElementById('card-cvc');
  var brandName = document.getElementById('card-brand-name');
  var brandMark = document.getElementById('card-brand-mark');
  var brandMarks = document.querySelectorAll('#brand-marks img[data-brand]');
  var button = document.getElementById('pay-button');

  // The brand and Luhn rules live in card-checks.js (shared with the embedded fields), loaded just before this file.
  var checks = window.TenderCardChecks;
  var digits = checks.digits;
  // The detected brand: its name (read out by screen readers), its mark in the field, and the matching mark of the row lit.
  function showBrand(name) {
    var code = name.toLowerCase();
    var marked = false;
    for (var i = 0; i < brandMarks.length; i++) {
      var mark = brandMarks[i];
      var match = mark.getAttribute('data-brand') === code;
      if (match) marked = true;
      if (name && !match) mark.setAttribute('data-dim', 'true');
      else mark.removeAttribute('data-dim');
    }
    if (brandName) brandName.textContent = name;
    if (brandMark) {
      if (marked) {
        brandMark.src = '/pay/assets/brand-' + code + '.svg';
        brandMark.hidden = false;
      } else brandMark.hidden = true;
    }
  }
  function expiryValid(v) {
    var m = /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(v.trim());
    if (!m) return false;
    var month = +m[1];
    var year = +m[2];
    if (year < 100) year += 2000;
    if (month < 1 || month > 12) return false;
    var now = new Date();
    return year * 12 + month - 1 >= now.getUTCFullYear() * 12 + now.getUTCMonth();
  }
  function setError(input, message) {
    var out = document.getElementById(input.id + '-error');
    var field = input.closest('.field');
    if (out) out.textContent = message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      if (field) field.classList.add('has-error');
    } else {
      input.removeAttribute('aria-invalid');
      if (field) field.classList.remove('has-error');
    }
  }

  number.addEventListener('input', function () {
    var d = digits(number.value).slice(0, 19);
    var amex = /^3[47]/.test(d);
    var grouped = amex
      ? d.replace(/^(\d{4})(\d{0,6})(\d{0,5}).*/, function (_, a, b, c) {
          return [a, b, c].filter(Boolean).join(' ');
        })
      : d.replace(/(\d{4})(?=\d)/g, '$1 ');
    number.value = grouped;
    showBrand(checks.brandName(checks.brandOf(d)));
    if (number.getAttribute('aria-invalid')) setError(number, '');
  });
  expiry.addEventListener('input', function () {
    var d = digits(expiry.value).slice(0, 4);
    expiry.value = d.length > 2 ? d.slice(0, 2) + '/' + d.slice(2) : d;
    if (expiry.getAttribute('aria-invalid')) setError(expiry, '');
  });
  cvc.addEventListener('input', function () {
    cvc.value = digits(cvc.value).slice(0, 4);
    if (cvc.getAttribute('aria-invalid')) setError(cvc, '');
  });
  form.addEventListener('submit', function (event) {
    var ok = true;
    var first = null;
    [
      [number, checks.luhn(digits(number.value))],
      [expiry, expiryValid(expiry.value)],
      [cvc, /^\d{3,4}$/.test(cvc.value)],
    ].forEach(function (pair) {
      var input = pair[0];
      setError(input, pair[1] ? '' : input.getAttribute('data-error'));
      if (!pair[1]) {
        ok = false;
        first = first || input;
      }
    });
    if (!ok) {
      event.preventDefault();
      first.focus();
      return;
    }
    // One submission only: a double click must not send the form twice.
    if (button.disabled) {
      event.preventDefault();
      return;
    }
    button.disabled = true;
    button.textContent = button.getAttribute('data-busy');
  });
})();
