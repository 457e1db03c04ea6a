/* Live deadline countdowns: every <time class="countdown" datetime="..."> re-renders each 30 s, so a queue
   left open on an agent's screen turns red when a case breaches without a reload. Labels come from the
   page (data-left / data-over / data-units, translated server-side). No dependencies, no network. */
(function () {
  "use strict";
  function label(ms, units) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days > 0) return days + units[0] + (hours ? " " + hours + units[1] : "");
    if (hours > 0) return hours + units[1] + (mins ? " " + mins + units[2] : "");
    return mins + units[2];
  }
  function render(root) {
    var now = Date.now();
    (root || document).querySelectorAll("time.countdown[datetime]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var units = (el.dataset.units || "d,h,min").split(",");
      var left = due - now;
      el.textContent = (left < 0 ? el.dataset.over : el.dataset.left) + " " + label(left, units);
      el.classList.toggle("red", left < 0);
      el.classList.toggle("amber", left >= 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(); });
  document.addEventListener("htmx:afterSwap", function (event) { render(event.target); });
  setInterval(render, 30000);
  window.kefuCountdown = { render: render };
})();
