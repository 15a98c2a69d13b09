// Progressive enhancement only: every console action works without this file.
// Forms marked data-confirm ask before they submit (suspend a merchant, reject a review).
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
