// Tender card checks for the browser, shared by the hosted page's card form
// (card-form.js) and the embedded card fields (elements/field.js): one copy, served
// at /pay/assets/card-checks.js and loaded before either script. The rules mirror
// the server's (core/src/methods/card/card-brand.ts and luhn.ts), which checks
// everything again: these only help the buyer while typing, they decide nothing.
//
// window.TenderCardChecks:
//   digits('4242 4242')          -> '42424242'
//   brandOf('2200000000000004')  -> 'mir' (or 'unknown')
//   brandName('mir')             -> 'Mir' (what the card form shows; '' for 'unknown')
//   luhn('4242424242424242')     -> true (12 to 19 digits with a valid check digit)
//   completeNumber(d)            -> a length the brand issues and a valid check digit
(function (root) {
  'use strict';
  function between(n, digits, lo, hi) {
    var p = Number(n.slice(0, digits));
    return n.length >= digits && p >= lo && p <= hi;
  }
  // Order matters: Mir (2200-2204) before Mastercard's 2-series (2221-2720).
  var RULES = [
    {
      code: 'mir',
      name: 'Mir',
      lengths: [16, 17, 18, 19],
      matches: function (n) {
        return between(n, 4, 2200, 2204);
      },
    },
    {
      code: 'visa',
      name: 'Visa',
      lengths: [13, 16, 19],
      matches: function (n) {
        return n.charAt(0) === '4';
      },
    },
    {
      code: 'mastercard',
      name: 'Mastercard',
      lengths: [16],
      matches: function (n) {
        return between(n, 2, 51, 55) || between(n, 4, 2221, 2720);
      },
    },
    {
      code: 'amex',
      name: 'Amex',
      lengths: [15],
      matches: function (n) {
        return /^3[47]/.test(n);
      },
    },
    {
      code: 'unionpay',
      name: 'UnionPay',
      lengths: [16, 17, 18, 19],
      matches: function (n) {
        return /^62/.test(n);
      },
    },
    {
      code: 'jcb',
      name: 'JCB',
      lengths: [16, 17, 18, 19],
      matches: function (n) {
        return between(n, 4, 3528, 3589);
      },
    },
    {
      code: 'maestro',
      name: 'Maestro',
      lengths: [12, 13, 14, 15, 16, 17, 18, 19],
      matches: function (n) {
        return /^(5018|5020|5038|6304|6759|676[1-3])/.test(n);
      },
    },
  ];
  function digits(s) {
    return String(s).replace(/\D/g, '');
  }
  function ruleOf(n) {
    for (var i = 0; i < RULES.length; i++) if (RULES[i].matches(n)) return RULES[i];
    return undefined;
  }
  function brandOf(n) {
    var rule = ruleOf(n);
    return rule ? rule.code : 'unknown';
  }
  function brandName(code) {
    for (var i = 0; i < RULES.length; i++) if (RULES[i].code === code) return RULES[i].name;
    return '';
  }
  function luhn(n) {
    if (!/^\d{12,19}$/.test(n)) return false;
    var sum = 0;
    for (var i = 0; i < n.length; i++) {
      var d = n.charCodeAt(n.length - 1 - i) - 48;
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }
  function completeNumber(n) {
    var rule = ruleOf(n);
    var lengthOk = rule ? rule.lengths.indexOf(n.length) >= 0 : n.length >= 12 && n.length <= 19;
    return lengthOk && luhn(n);
  }
  root.TenderCardChecks = Object.freeze({ digits: digits, brandOf: brandOf, brandName: brandName, luhn: luhn, completeNumber: completeNumber });
})(window);
