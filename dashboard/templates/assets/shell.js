// Progressive enhancement for the shell: every page works without it.
(function () {
  'use strict';
  // Forms marked data-confirm ask first (remove a user, refund, ...).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // Close the account menu when clicking elsewhere.
  document.addEventListener('click', function (event) {
    document.querySelectorAll('details.web-account[open]').forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute('open');
    });
  });
})();
