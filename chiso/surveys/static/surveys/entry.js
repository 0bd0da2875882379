// Keyboard-first keying: a one-digit answer moves the focus to the next answer, and the time
// spent on the form is sent for the operators' throughput figures. Without it the form still
// works with Tab and Enter.
(function () {
  var form = document.getElementById("entry");
  if (!form) return;
  var started = Date.now();
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name]:not([type=hidden])"));
  inputs.forEach(function (input, i) {
    if (!input.hasAttribute("data-auto-next")) return;
    input.addEventListener("input", function () {
      var max = parseInt(input.getAttribute("maxlength") || "1", 10);
      if (input.value.length >= max && /^[0-9]+$/.test(input.value) && inputs[i + 1]) {
        inputs[i + 1].focus();
        inputs[i + 1].select();
      }
    });
  });
  form.addEventListener("submit", function () {
    document.getElementById("seconds").value = Math.round((Date.now() - started) / 1000);
  });
})();
