// steward's live pages: while a page shows runs ([data-live]), one
// server-sent event stream tells it when a run starts or ends, and each
// live part refreshes itself in place (htmx, on the 'steward:run' event).
(function () {
  var source = null;
  function refresh() {
    document.querySelectorAll("[data-live]").forEach(function (part) {
      htmx.trigger(part, "steward:run");
    });
  }
  function connect() {
    if (source || !window.EventSource || !document.querySelector("[data-live]")) return;
    source = new EventSource("/events");
    // Once connected, refresh once: a run that changed between the page
    // being rendered and the stream opening would otherwise be missed.
    source.onopen = refresh;
    source.addEventListener("run", refresh);
    source.onerror = function () {
      // A closed stream (signed out, the server stopping) is not retried
      // here; the next page that shows runs connects again.
      if (source && source.readyState === EventSource.CLOSED) source = null;
    };
  }
  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", connect);
})();
