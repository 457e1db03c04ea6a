// Customer chat widget: one WebSocket per conversation; messages, typing and read receipts.
// A dropped connection (a phone changing networks, a server restart) reconnects by itself; the server sends
// the transcript on every connect, and messages already shown are skipped by their id.
(function () {
  document.body.addEventListener("htmx:afterSwap", function () {
    var log = document.getElementById("chat-log");
    if (!log || log.dataset.bound) return;
    log.dataset.bound = "1";
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/ws/chat/" + log.dataset.interaction + "/?key=" + encodeURIComponent(log.dataset.key);
    var typing = document.getElementById("chat-typing");
    var labels = {customer: "我", bot: "智能客服", agent: "人工客服", system: "系统"};
    var shown = {};
    var lastId = 0;
    var socket = null;
    var retryMs = 1000;

    function onMessage(e) {
      var data = JSON.parse(e.data);
      if (data.type === "message") {
        if (data.id && shown[data.id]) return;
        if (data.id) shown[data.id] = true;
        var p = document.createElement("p");
        p.className = "msg " + data.sender;
        var b = document.createElement("b");
        b.textContent = labels[data.sender] || data.sender;
        p.appendChild(b);
        p.appendChild(document.createTextNode(" " + data.text));
        log.appendChild(p);
        log.scrollTop = log.scrollHeight;
        typing.textContent = "";
        if (data.sender !== "customer" && data.id > lastId) {
          lastId = data.id;
          socket.send(JSON.stringify({type: "read", up_to_id: lastId}));
        }
      } else if (data.type === "typing") {
        typing.textContent = "客服正在输入…";
      } else if (data.type === "error") {
        typing.textContent = data.message || "发送失败";
      }
    }

    function connect() {
      socket = new WebSocket(url);
      log.kefuSocket = socket;  // for the browser tests
      socket.onopen = function () { retryMs = 1000; if (typing.dataset.offline) { typing.textContent = ""; delete typing.dataset.offline; } };
      socket.onmessage = onMessage;
      socket.onclose = function (e) {
        if (e.code === 4404) { typing.textContent = "会话已失效，请重新开始咨询"; return; }
        typing.textContent = "连接中断，正在重新连接…";
        typing.dataset.offline = "1";
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 15000);
      };
    }
    connect();

    var form = document.getElementById("chat-form");
    var input = document.getElementById("chat-input");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!input.value.trim()) return;
      if (socket.readyState !== 1) { typing.textContent = "连接中断，消息未发送，请稍后重试"; return; }
      socket.send(JSON.stringify({type: "message", text: input.value}));
      input.value = "";
    });
    input.addEventListener("input", function () { if (socket.readyState === 1) socket.send(JSON.stringify({type: "typing"})); });
    input.focus();
  });
})();
