// The article page's only script, for what htmx cannot do under a strict CSP (no eval, so no
// trigger filters): refresh the tally every 20 s while the page is visible, and at once when
// the reader comes back to the tab. Without it (or without JavaScript) the page still works.
(function () {
  "use strict";
  var PERIOD_MS = 20000;

  function refreshTallies() {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    document.querySelectorAll("[data-tally-refresh]").forEach(function (tally) {
      window.htmx.trigger(tally, "refresh");
    });
  }

  window.setInterval(refreshTallies, PERIOD_MS);
  document.addEventListener("visibilitychange", refreshTallies);

  // htmx leaves 4xx answers unswapped; the vote panel's 400 says why the vote was refused.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status === 400 && detail.target && detail.target.id === "vote-panel") {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
})();
