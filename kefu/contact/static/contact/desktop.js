// Agent desktop: live pushes over WebSocket trigger an HTMX refresh of the panel; polling is the fallback.
(function () {
  var panel = document.getElementById("desktop-panel");
  if (!panel || !window.WebSocket) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var socket;
  function connect() {
    socket = new WebSocket(scheme + location.host + "/ws/contact/agent/");
    socket.onmessage = function (e) {
      var data = JSON.parse(e.data);
      if (data.type === "typing") { return; }
      htmx.trigger(panel, "refresh");
      if (data.type === "offered" && document.hidden && window.Notification && Notification.permission === "granted") {
        new Notification("新的来电/会话");
      }
    };
    socket.onclose = function () { setTimeout(connect, 3000); };
  }
  connect();
  // A live refresh must not wipe what the agent is typing or choosing (reply, wrap-up code, note):
  // while the panel holds unsent input, its own refreshes are skipped; the agent's submit re-renders it.
  panel.addEventListener("input", function () { panel.dataset.dirty = "1"; });
  panel.addEventListener("change", function () { panel.dataset.dirty = "1"; });
  function requester(evt) { return evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.detail.elt; }
  function ownRefresh(evt) { return requester(evt) === panel && panel.dataset.dirty === "1"; }
  panel.addEventListener("htmx:beforeRequest", function (evt) { if (ownRefresh(evt)) evt.preventDefault(); });
  panel.addEventListener("htmx:beforeSwap", function (evt) { if (ownRefresh(evt)) evt.detail.shouldSwap = false; });
  panel.addEventListener("htmx:afterSwap", function (evt) { if (requester(evt) !== panel) delete panel.dataset.dirty; });
  document.addEventListener("input", function (e) {
    var id = e.target.getAttribute && e.target.getAttribute("data-typing");
    if (id && socket && socket.readyState === 1) socket.send(JSON.stringify({type: "typing", interaction: Number(id)}));
  });
})();
