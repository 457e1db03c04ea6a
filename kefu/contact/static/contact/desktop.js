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
  document.addEventListener("input", function (e) {
    var id = e.target.getAttribute && e.target.getAttribute("data-typing");
    if (id && socket && socket.readyState === 1) socket.send(JSON.stringify({type: "typing", interaction: Number(id)}));
  });
})();
