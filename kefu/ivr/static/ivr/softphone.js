/* IVR softphone: drives /api/v1/ivr/calls with the browser session (same engine as the PBX). */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const log = $("sp-log");
  let callId = null, step = null, expect = null, buffer = "", audioQueue = [], playing = null;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function line(cls, text) {
    const p = document.createElement("p");
    p.className = cls; p.textContent = text; log.appendChild(p); log.scrollTop = log.scrollHeight;
  }
  function enable(on) {
    document.querySelectorAll(".key").forEach((b) => { b.disabled = !on; });
    $("sp-send").disabled = !on; $("sp-timeout").disabled = !on; $("sp-hangup").disabled = !on;
    $("sp-dial").disabled = on;
  }
  function playNext() {
    if (playing || !audioQueue.length || !$("sp-audio").checked) return;
    playing = new Audio(audioQueue.shift());
    playing.onended = playing.onerror = () => { playing = null; playNext(); };
    playing.play().catch(() => { playing = null; });
  }
  function stopAudio() { audioQueue = []; if (playing) { playing.pause(); playing = null; } }
  async function api(path, body) {
    const r = await fetch("/api/v1/ivr" + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, body: JSON.stringify(body),
    });
    const data = await r.json();
    if (!r.ok) { line("sys", "错误 " + r.status + "：" + (data.message || data.code)); return null; }
    return data;
  }
  function render(data) {
    if (!data) return;
    callId = data.call_id; step = data.step;
    const text = data.prompts.map((p) => p.text).join("");
    if (text) line("ivr", "🔊 " + text);
    data.prompts.forEach((p) => { if (p.audio_url) audioQueue.push(p.audio_url); });
    playNext();
    if (data.action === "transfer") {
      line("sys", "→ 转人工队列 " + data.queue + "（已验证：" + (data.context.verified ? "是" : "否") + "）");
      $("sp-handoff").innerHTML = "";
      const a = document.createElement("a");
      a.href = "/ivr/handoff/" + callId + "/"; a.textContent = "查看座席弹屏上下文";
      $("sp-handoff").appendChild(a);
      end();
    } else if (data.action === "hangup") {
      line("sys", "— 通话结束（" + (data.disposition || "") + "）");
      end();
    } else if (data.expect) {
      expect = data.expect;
      $("sp-expect").textContent = "等待按键：最多 " + expect.max_digits + " 位，" + (expect.timeout_ms / 1000) +
        " 秒超时" + (expect.max_digits > 1 ? "，以 # 结束" : "") + (expect.secret ? "（密码输入，不回显）" : "");
    }
  }
  function end() { callId = null; expect = null; buffer = ""; $("sp-buffer").textContent = ""; $("sp-expect").textContent = ""; enable(false); }
  async function send(body) {
    if (!callId) return;
    stopAudio();
    const shown = body.timeout ? "（超时）" : (expect && expect.secret ? "******" : body.digits);
    line("caller", "☎ " + shown);
    buffer = ""; $("sp-buffer").textContent = "";
    render(await api("/calls/" + callId + "/input", Object.assign({ step: step }, body)));
  }
  $("sp-dial").addEventListener("click", async () => {
    log.innerHTML = ""; $("sp-handoff").innerHTML = "";
    const data = await api("/calls", { caller: $("sp-caller").value.replace(/\D/g, ""), called: "95500" });
    if (data) { enable(true); render(data); }
  });
  $("sp-hangup").addEventListener("click", () => send({ hangup: true }));
  $("sp-timeout").addEventListener("click", () => send({ timeout: true }));
  $("sp-send").addEventListener("click", () => { if (buffer) send({ digits: buffer }); });
  document.querySelectorAll(".key").forEach((b) => b.addEventListener("click", () => {
    const k = b.dataset.key;
    stopAudio();
    if (!expect) return;
    if (expect.max_digits <= 1 && k !== "#") { send({ digits: k }); return; }
    if (k === "#") { send({ digits: buffer + "#" }); return; }
    buffer += k;
    $("sp-buffer").textContent = expect.secret ? "*".repeat(buffer.length) : buffer;
    if (buffer.length >= expect.max_digits) send({ digits: buffer });
  }));
})();
