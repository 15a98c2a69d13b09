// Tender payment page (the document around the payment form island): sizes the
// island's frame to its content. Optional: without it the frame has a fixed height
// and scrolls. It reads nothing from the island but a height the island posts, and
// only from the island's own window on this origin.
(function () {
  'use strict';
  var frame = document.querySelector('iframe.payment-island');
  if (!frame) return;
  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== 'tender:island-height') return;
    var height = Number(data.height);
    if (isFinite(height) && height > 0 && height < 5000) frame.style.height = Math.ceil(height) + 'px';
  });
})();
