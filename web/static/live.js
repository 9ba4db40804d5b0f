// steward's live pages: while a page shows runs ([data-live]), one
// server-sent event stream tells it when a run starts or ends, and each
// live part refreshes itself in place (htmx, on the 'steward:run' event).
(function () {
  var source = null;
  function connect() {
    if (source || !window.EventSource || !document.querySelector("[data-live]")) return;
    source = new EventSource("/events");
    source.addEventListener("run", function () {
      document.querySelectorAll("[data-live]").forEach(function (part) {
        htmx.trigger(part, "steward:run");
      });
    });
    source.onerror = function () {
      // A closed stream (signed out, the server stopping) is not retried
      // here; the next page that shows runs connects again.
      if (source && source.readyState === EventSource.CLOSED) source = null;
    };
  }
  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", connect);
})();
