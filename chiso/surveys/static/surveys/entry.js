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
  var started = Date.now();
  form.addEventListener("submit", function () {
    document.getElementById("seconds").value = Math.round((Date.now() - started) / 1000);
  });
})();
