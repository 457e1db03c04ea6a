// Customer chat widget: one WebSocket per conversation; messages, typing and read receipts.
(function () {
  document.body.addEventListener("htmx:afterSwap", function () {
    var log = document.getElementById("chat-log");
    if (!log || log.dataset.bound) return;
    log.dataset.bound = "1";
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/ws/chat/" + log.dataset.interaction + "/?key=" + encodeURIComponent(log.dataset.key);
    var socket = new WebSocket(url);
    var typing = document.getElementById("chat-typing");
    var labels = {customer: "我", bot: "智能客服", agent: "人工客服", system: "系统"};
    var lastId = 0;
    socket.onmessage = function (e) {
      var data = JSON.parse(e.data);
      if (data.type === "message") {
        var p = document.createElement("p");
        p.className = "msg " + data.sender;
        var b = document.createElement("b");
        b.textContent = labels[data.sender] || data.sender;
        p.appendChild(b);
        p.appendChild(document.createTextNode(" " + data.text));
        log.appendChild(p);
        log.scrollTop = log.scrollHeight;
        typing.textContent = "";
        if (data.sender !== "customer") { lastId = data.id; socket.send(JSON.stringify({type: "read", up_to_id: lastId})); }
      } else if (data.type === "typing") {
        typing.textContent = "客服正在输入…";
      } else if (data.type === "error") {
        typing.textContent = data.message || "发送失败";
      }
    };
    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-input");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!input.value.trim()) return;
      socket.send(JSON.stringify({type: "message", text: input.value}));
      input.value = "";
    });
    input.addEventListener("input", function () { if (socket.readyState === 1) socket.send(JSON.stringify({type: "typing"})); });
    input.focus();
  });
})();
