// Tender embedded card field (docs/embedded-fields.md). Runs in a gateway-origin
// frame; the typed value never leaves the gateway origin: it goes to the sibling
// fields over a BroadcastChannel (same origin only, the shop's page cannot join)
// and to the gateway's own API. The parent (the shop page) only gets state:
// empty/complete/brand/error, never a digit. Messages from the parent are taken
// only from the registered shop origin this frame was opened for (its CSP
// frame-ancestors names that origin alone) and only from the parent window.
(function () {
  'use strict';
  var body = document.body;
  var field = body.getAttribute('data-field');
  var key = body.getAttribute('data-key');
  var shopOrigin = body.getAttribute('data-origin');
  var session = body.getAttribute('data-session');
  var errorText = body.getAttribute('data-error-text');
  var input = document.getElementById('tender-input');
  var row = document.getElementById('tender-row');
  var errorLine = document.getElementById('tender-error');
  var brandLine = document.getElementById('tender-brand');
  var channel = new BroadcastChannel('tender-fields:' + session);
  // The number frame is the controller: it keeps the sibling fields' values and makes the token.
  var values = { number: '', expiry: '', cvc: '' };

  // The brand and Luhn rules live in /pay/assets/card-checks.js (shared with the hosted card form), loaded just before this file.
  var checks = window.TenderCardChecks;
  var digits = checks.digits;
  var brandOf = checks.brandOf;
  function expiryParts(v) {
    var d = digits(v);
    return { month: Number(d.slice(0, 2)), year: d.length >= 4 ? 2000 + Number(d.slice(2, 4)) : NaN };
  }
  function check(kind, v) {
    var d = digits(v);
    if (kind === 'number') {
      return { empty: d.length === 0, complete: checks.completeNumber(d) };
    }
    if (kind === 'expiry') {
      var p = expiryParts(v),
        now = new Date();
      var ok = d.length === 4 && p.month >= 1 && p.month <= 12 && p.year * 12 + p.month - 1 >= now.getUTCFullYear() * 12 + now.getUTCMonth();
      return { empty: d.length === 0, complete: ok };
    }
    return { empty: d.length === 0, complete: /^\d{3,4}$/.test(d) };
  }
  function format(v) {
    var d = digits(v);
    if (field === 'number') return d.slice(0, 19).replace(/(\d{4})(?=\d)/g, '$1 ');
    if (field === 'expiry') return d.length > 2 ? d.slice(0, 2) + ' / ' + d.slice(2, 4) : d;
    return d.slice(0, 4);
  }
  function tellParent(message) {
    window.parent.postMessage(message, shopOrigin);
  }
  function showError(show) {
    input.setAttribute('aria-invalid', show ? 'true' : 'false');
    row.className = show ? 'row invalid' : 'row';
    errorLine.textContent = show ? errorText : '';
  }
  function state(final) {
    var s = check(field, input.value);
    if (final || !s.empty)
      showError(
        !s.complete && (final || (field === 'number' ? digits(input.value).length >= 16 : field === 'expiry' ? digits(input.value).length >= 4 : false)),
      );
    var brand = field === 'number' ? brandOf(digits(input.value)) : undefined;
    if (brandLine) brandLine.textContent = brand && brand !== 'unknown' ? brand : '';
    tellParent({
      type: 'tender:change',
      field: field,
      empty: s.empty,
      complete: s.complete,
      brand: brand,
      error: !s.complete && input.getAttribute('aria-invalid') === 'true',
    });
  }

  input.addEventListener('input', function () {
    input.value = format(input.value);
    if (field === 'number') values.number = input.value;
    else channel.postMessage({ type: 'value', field: field, value: input.value });
    state(false);
  });
  input.addEventListener('blur', function () {
    state(!check(field, input.value).empty);
  });
  input.addEventListener('focus', function () {
    tellParent({ type: 'tender:focus', field: field });
  });

  channel.addEventListener('message', function (event) {
    var m = event.data || {};
    if (m.type === 'value' && field === 'number' && (m.field === 'expiry' || m.field === 'cvc')) values[m.field] = String(m.value);
    if (m.type === 'validate') state(true);
    // The number frame (re)loaded after this one was typed into: send the value again.
    if (m.type === 'hello' && field !== 'number') channel.postMessage({ type: 'value', field: field, value: input.value });
  });
  if (field === 'number') channel.postMessage({ type: 'hello' });

  function post(path, payload, headers) {
    var h = { 'Content-Type': 'application/json' };
    for (var k in headers) h[k] = headers[k];
    return fetch(path, { method: 'POST', headers: h, body: JSON.stringify(payload), credentials: 'omit' }).then(function (r) {
      return r.json().then(function (json) {
        return { ok: r.ok, json: json };
      });
    });
  }
  function fail(requestId, error) {
    tellParent({
      type: 'tender:result',
      requestId: requestId,
      error: { code: (error && error.code) || 'api_error', message: (error && error.message) || 'The card could not be sent.' },
    });
  }

  function submit(m) {
    channel.postMessage({ type: 'validate' });
    state(true);
    var exp = expiryParts(values.expiry);
    if (!check('number', values.number).complete || !check('expiry', values.expiry).complete || !check('cvc', values.cvc).complete) {
      fail(m.requestId, { code: 'incomplete', message: 'The card details are incomplete or invalid.' });
      return;
    }
    var card = { number: digits(values.number), exp_month: exp.month, exp_year: exp.year, cvc: digits(values.cvc) };
    post('/v1/tokens', { card: card, origin: shopOrigin }, { Authorization: 'Bearer ' + key })
      .then(function (r) {
        if (!r.ok) return fail(m.requestId, r.json.error);
        var token = r.json;
        if (m.mode !== 'confirm') {
          tellParent({ type: 'tender:result', requestId: m.requestId, token: token });
          return;
        }
        return post('/elements/confirm', { client_secret: String(m.clientSecret || ''), token: token.id }, {}).then(function (c) {
          if (!c.ok) return fail(m.requestId, c.json.error);
          tellParent({ type: 'tender:result', requestId: m.requestId, payment: c.json.payment, next_action: c.json.next_action });
        });
      })
      .catch(function () {
        fail(m.requestId, { code: 'network_error', message: 'The gateway could not be reached.' });
      });
  }

  window.addEventListener('message', function (event) {
    // Only the shop page this frame was opened for, and only its own parent window.
    if (event.origin !== shopOrigin || event.source !== window.parent) return;
    var m = event.data || {};
    if (m.type === 'tender:focus') input.focus();
    if (m.type === 'tender:clear') {
      input.value = '';
      if (field === 'number') values.number = '';
      else channel.postMessage({ type: 'value', field: field, value: '' });
      state(false);
    }
    if (m.type === 'tender:submit' && field === 'number' && typeof m.requestId === 'string') submit(m);
  });

  tellParent({ type: 'tender:ready', field: field });
})();
