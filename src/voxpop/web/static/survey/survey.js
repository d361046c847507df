// Progressive enhancement of the survey form; the page works the same without it.
// Moves focus to the error summary, and stops a second submit while the first is on its way.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var form = document.querySelector("form[data-survey]");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-sending", "1");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.setAttribute("aria-disabled", "true"); }
  });
})();
