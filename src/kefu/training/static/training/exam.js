// Exam pages (no inline script: the CSP allows only 'self'). The countdown is a guide; the
// server keeps the real clock. On a closed-book page, each time the candidate leaves it (the
// page is hidden or the window loses focus) the page tells the server, which stamps the time;
// a blur and a hidden page of one leave are sent once.
(function () {
  "use strict";
  var clock = document.getElementById("time-left");
  if (clock) {
    var left = parseInt(clock.dataset.seconds, 10) || 0;
    setInterval(function () {
      if (left > 0) {
        left -= 1;
        clock.textContent = left;
      }
    }, 1000);
  }
  var exam = document.querySelector("[data-departure-url]");
  if (!exam) {
    return;
  }
  var url = exam.dataset.departureUrl;
  var token = document.querySelector("[name=csrfmiddlewaretoken]");
  var last = 0;
  function report(kind) {
    var now = Date.now();
    if (now - last < 1500) {
      return;
    }
    last = now;
    var body = new FormData();
    body.append("kind", kind);
    fetch(url, {
      method: "POST",
      body: body,
      keepalive: true,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      report("hidden");
    }
  });
  window.addEventListener("blur", function () {
    report("blur");
  });
})();
