// The public questionnaire works without JavaScript; this only moves the focus after a failed
// send (review s8, finding 7). An alert already on the page when it loads is not reliably read
// out, and the keyboard would start from the top: focusing the summary has screen readers read
// what needs attention, and the next Tab reaches its first link. A summary link focuses the
// control it names, with the question above it in view (the browser alone would scroll the
// control to the top edge, hiding the question it answers).
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    (target.closest("fieldset, .field") || target).scrollIntoView();
    target.focus({ preventScroll: true });
  });
})();
