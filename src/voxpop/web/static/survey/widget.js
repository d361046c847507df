// voxpop survey widget: <script src="https://YOUR-VOXPOP/static/survey/widget.js" data-survey="SLUG" async></script>
// data-mode="inline" (default; into data-target, a CSS selector, or right after the script) or "popup";
// popup rules, all optional and all required to hold: data-delay (seconds on the page), data-url-contains,
// data-event (shown when the page dispatches that event on window). The survey itself is the hosted page,
// in an iframe; nothing here reads or sends anything else.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.survey) { return; }
  var base = new URL(script.src).origin;
  var data = script.dataset;
  var src = base + "/s/" + encodeURIComponent(data.survey) + "?via=widget" + (data.lang ? "&lang=" + encodeURIComponent(data.lang) : "");

  function frame() {
    var iframe = document.createElement("iframe");
    iframe.src = src;
    iframe.title = data.title || "Survey";
    iframe.style.cssText = "width:100%;min-height:28rem;border:0";
    return iframe;
  }

  function inline() {
    var target = data.target ? document.querySelector(data.target) : null;
    if (target) { target.appendChild(frame()); } else { script.insertAdjacentElement("afterend", frame()); }
  }

  function popup() {
    var dialog = document.createElement("dialog");
    dialog.setAttribute("aria-label", data.title || "Survey");
    dialog.style.cssText = "width:min(40rem,95vw);padding:0;border:1px solid #888;border-radius:.5rem";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(close);
    dialog.appendChild(frame());
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  if (data.mode !== "popup") { inline(); return; }
  if (data.urlContains && location.href.indexOf(data.urlContains) < 0) { return; }
  var waiting = (data.delay ? 1 : 0) + (data.event ? 1 : 0);
  function ready() { waiting -= 1; if (waiting <= 0) { popup(); } }
  if (waiting === 0) { popup(); return; }
  if (data.delay) { setTimeout(ready, 1000 * Number(data.delay)); }
  if (data.event) { window.addEventListener(data.event, ready, { once: true }); }
})();
