/*! Tender embedded card fields (docs/embedded-fields.md). Include it from the gateway:
 *  <script src="https://pay.example/js/tender.js"></script>
 * The card number, expiry and CVC are gateway-origin iframes; this script (on the
 * shop's page) never sees a digit of them: it only gets their state and the token.
 * Messages are taken only from the gateway's origin and from the frames it made. */
(function (global) {
  'use strict';
  var script = document.currentScript;
  var defaultGateway = script && script.src ? new URL(script.src).origin : undefined;
  var FIELDS = ['number', 'expiry', 'cvc'];

  function randomId() {
    var bytes = new Uint8Array(16),
      out = '';
    global.crypto.getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) out += ('0' + bytes[i].toString(16)).slice(-2);
    return out;
  }
  function element(target) {
    var el = typeof target === 'string' ? document.querySelector(target) : target;
    if (!el) throw new Error('Tender: no element ' + String(target));
    return el;
  }
  function clientSecretOf(value) {
    var s = String(value || '');
    var m = /\/pay\/([0-9A-Za-z]{32})(?:[/?#]|$)/.exec(s);
    return m ? m[1] : s;
  }

  function Tender(publishableKey, options) {
    options = options || {};
    var gateway = options.gatewayUrl ? new URL(options.gatewayUrl).origin : defaultGateway;
    if (!/^pk_(test|live)_/.test(String(publishableKey))) throw new Error('Tender: a publishable key (pk_...) is required');
    if (!gateway) throw new Error('Tender: gatewayUrl is required when tender.js is bundled');
    var listeners = [];
    window.addEventListener('message', function (event) {
      if (event.origin !== gateway) return;
      for (var i = 0; i < listeners.length; i++) listeners[i](event);
    });

    function cardFields(fieldOptions) {
      fieldOptions = fieldOptions || {};
      var session = randomId();
      var frames = {};
      var state = {};
      var handlers = { change: [], ready: [], focus: [] };
      var pending = {};
      function emit(name, payload) {
        (handlers[name] || []).forEach(function (h) {
          h(payload);
        });
      }
      function fromOurFrames(event) {
        for (var k in frames) if (frames[k].contentWindow === event.source) return true;
        return false;
      }
      listeners.push(function (event) {
        if (!fromOurFrames(event)) return;
        var m = event.data || {};
        if (m.type === 'tender:change' && FIELDS.indexOf(m.field) >= 0) {
          state[m.field] = { empty: !!m.empty, complete: !!m.complete, error: !!m.error };
          emit('change', {
            field: m.field,
            empty: !!m.empty,
            complete: !!m.complete,
            error: !!m.error,
            brand: m.brand,
            allComplete: FIELDS.every(function (f) {
              return state[f] && state[f].complete;
            }),
          });
        } else if (m.type === 'tender:ready') emit('ready', { field: m.field });
        else if (m.type === 'tender:focus') emit('focus', { field: m.field });
        else if (m.type === 'tender:result' && pending[m.requestId]) {
          var resolve = pending[m.requestId];
          delete pending[m.requestId];
          resolve(m);
        }
      });
      function frameFor(field) {
        var q = new URLSearchParams({
          field: field,
          key: publishableKey,
          origin: window.location.origin,
          session: session,
          locale: fieldOptions.locale || options.locale || document.documentElement.lang || 'en',
        });
        var style = fieldOptions.style || {};
        if (style.color) q.set('color', style.color);
        if (style.background) q.set('background', style.background);
        if (style.fontSize) q.set('font_size', style.fontSize);
        var f = document.createElement('iframe');
        f.src = gateway + '/elements/field?' + q.toString();
        f.title = (fieldOptions.titles && fieldOptions.titles[field]) || { number: 'Card number', expiry: 'Expiry date', cvc: 'Security code' }[field];
        f.setAttribute('allow', 'payment');
        f.setAttribute('scrolling', 'no');
        f.className = 'tender-field tender-field-' + field;
        // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'.
        f.style.border = '0';
        f.style.width = '100%';
        f.style.height = (fieldOptions.height || 76) + 'px';
        f.style.display = 'block';
        return f;
      }
      function send(message) {
        var number = frames.number;
        if (!number) return Promise.resolve({ error: { code: 'not_mounted', message: 'Mount the fields first.' } });
        var requestId = randomId();
        message.requestId = requestId;
        return new Promise(function (resolve) {
          pending[requestId] = resolve;
          number.contentWindow.postMessage(message, gateway);
        });
      }
      return {
        mount: function (targets) {
          FIELDS.forEach(function (field) {
            var host = element(targets[field]);
            frames[field] = frameFor(field);
            host.appendChild(frames[field]);
          });
          return this;
        },
        on: function (name, handler) {
          if (handlers[name]) handlers[name].push(handler);
          return this;
        },
        focus: function (field) {
          if (frames[field]) frames[field].contentWindow.postMessage({ type: 'tender:focus' }, gateway);
        },
        clear: function () {
          FIELDS.forEach(function (f) {
            if (frames[f]) frames[f].contentWindow.postMessage({ type: 'tender:clear' }, gateway);
          });
        },
        unmount: function () {
          FIELDS.forEach(function (f) {
            if (frames[f]) frames[f].remove();
          });
          frames = {};
        },
        _send: send,
      };
    }

    function challenge(url) {
      return new Promise(function (resolve) {
        var overlay = document.createElement('div');
        overlay.className = 'tender-challenge-overlay';
        overlay.setAttribute('role', 'dialog');
        overlay.setAttribute('aria-modal', 'true');
        overlay.setAttribute('aria-label', options.challengeTitle || 'Confirm the payment with your bank');
        var s = overlay.style;
        s.position = 'fixed';
        s.inset = '0';
        s.zIndex = '2147483647';
        s.background = 'rgba(15, 23, 42, 0.55)';
        s.display = 'flex';
        s.alignItems = 'center';
        s.justifyContent = 'center';
        var box = document.createElement('div');
        box.style.background = '#fff';
        box.style.borderRadius = '12px';
        box.style.overflow = 'hidden';
        box.style.width = 'min(440px, 100vw - 24px)';
        box.style.height = 'min(620px, 100vh - 24px)';
        box.style.boxShadow = '0 20px 60px rgba(0,0,0,0.35)';
        var frame = document.createElement('iframe');
        frame.src = gateway + url;
        frame.title = options.challengeTitle || 'Confirm the payment with your bank';
        frame.className = 'tender-challenge-frame';
        frame.style.border = '0';
        frame.style.width = '100%';
        frame.style.height = '100%';
        box.appendChild(frame);
        overlay.appendChild(box);
        var before = document.activeElement;
        document.body.appendChild(overlay);
        // Keyboard and screen-reader users land in the bank's page, and come back to where they were.
        frame.focus();
        var listener = function (event) {
          if (event.source !== frame.contentWindow) return;
          var m = event.data || {};
          if (m.type !== 'tender:challenge_done') return;
          listeners.splice(listeners.indexOf(listener), 1);
          overlay.remove();
          if (before && typeof before.focus === 'function') before.focus();
          resolve({ payment: m.payment });
        };
        listeners.push(listener);
      });
    }

    return {
      cardFields: cardFields,
      /** A single-use token tok_... for the shop's server to confirm with (POST /v1/payments/:id/confirm). */
      createToken: function (fields) {
        return fields._send({ type: 'tender:submit', mode: 'token' }).then(function (m) {
          return m.error ? { error: m.error } : { token: m.token };
        });
      },
      /** Confirms a payment by its client secret (its payment_url or the page token in it), 3-D Secure in a modal. */
      confirmPayment: function (fields, params) {
        return fields._send({ type: 'tender:submit', mode: 'confirm', clientSecret: clientSecretOf(params && params.clientSecret) }).then(function (m) {
          if (m.error) return { error: m.error };
          if (m.next_action && m.next_action.type === 'three_d_secure') return challenge(m.next_action.url);
          return { payment: m.payment };
        });
      },
    };
  }

  global.Tender = Tender;
})(window);
