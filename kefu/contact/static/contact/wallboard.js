(function () {
  var board = document.getElementById("wallboard");
  if (!board || !window.WebSocket) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var pending = false;
  function connect() {
    var socket = new WebSocket(scheme + location.host + "/ws/contact/wallboard/");
    socket.onmessage = function () {
      if (pending) return;
      pending = true;  // coalesce bursts of events into one refresh per second
      setTimeout(function () { pending = false; htmx.trigger(board, "refresh"); }, 1000);
    };
    socket.onclose = function () { setTimeout(connect, 3000); };
  }
  connect();
})();
