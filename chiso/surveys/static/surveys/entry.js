// Sends the time spent on the form for the operators' throughput figures; the form works the
// same without it.
//
// No auto-advance: the focus moves only when the operator presses Tab. An earlier version moved
// it after a one-digit answer, so operators who followed the page ("Tab to the next question")
// skipped every other question, and both keyings agreed on the blanks (review s5, M1). With
// hundreds of forms a day one rule for every question (answer, Tab) is safer than one keystroke
// saved: a blank question is simply Tab, and a forgotten Tab shows as an unreadable answer
// ("12" on a 1–5 scale) instead of shifting every later answer.
(function () {
  var form = document.getElementById("entry");
  if (!form) return;
  // After unreadable answers the cursor goes to the first marked one, not to the form number
  // (its autofocus): a keyboard-only operator corrects it at once (review s5-2, L7). Focusing
  // it here, before the page's first rendering, stops the browser from applying autofocus.
  var invalid = form.querySelector("input.is-invalid");
  if (invalid) invalid.focus();
  var started = Date.now();
  form.addEventListener("submit", function () {
    document.getElementById("seconds").value = Math.round((Date.now() - started) / 1000);
  });
})();
