// Progressive enhancement of the survey builder; every control works the same without it.
// Asks before deleting, keeps the scroll position across a change (the page reloads after each one),
// moves focus to the error summary, and applies a logic picker as soon as it changes.
(function () {
  "use strict";
  var key = "voxpop-builder-scroll:" + location.pathname;
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  } else {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) { window.scrollTo(0, parseInt(saved, 10) || 0); }
  }
  sessionStorage.removeItem(key);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.method.toLowerCase() === "post") { sessionStorage.setItem(key, String(window.scrollY)); }
  });
  document.querySelectorAll("form.condition-form select").forEach(function (select) {
    select.addEventListener("change", function () {
      var apply = select.form.querySelector("button[value=condition_save]");
      if (apply) { apply.click(); }
    });
  });
})();
