// laborbot web chat: sends the chat's forms with fetch and reads the answer
// as Server-Sent Events (streamed while a model writes it), adds messages
// that arrive later (a mediator's reply), and offers push notifications.
// Without it the same forms post and the page reloads with the answer.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var chat = document.getElementById("chat");
  var list = document.getElementById("messages");
  if (!chat || !list) { return; }
  var status = document.getElementById("chat-status");
  var last = parseInt(chat.getAttribute("data-last") || "0", 10);
  var busy = false;

  function scrollEnd() {
    var end = document.getElementById("end");
    if (end) { end.scrollIntoView({ block: "end" }); }
  }
  // showLatest puts the newest exchange in view from its start: the
  // worker's last message, then the answer below it, read from the top.
  function showLatest() {
    var mine = list.querySelectorAll("li.msg-me");
    var all = list.querySelectorAll("li.msg");
    var from = mine.length ? mine[mine.length - 1] : null;
    if (!from && all.length > 1) { from = all[all.length - 1]; }
    if (from) { from.scrollIntoView({ block: "start" }); } else { window.scrollTo(0, 0); }
  }
  function say(text) {
    if (!status) { return; }
    status.textContent = text || "";
    status.hidden = !text;
  }
  function addHTML(html, seq) {
    if (seq && document.getElementById("m" + seq)) { return; }
    var tmp = document.createElement("ol");
    var added = 0;
    tmp.innerHTML = html;
    while (tmp.firstElementChild) {
      var li = tmp.firstElementChild;
      // Stored messages (m12) come once; provisional ones (p1, numbered
      // per request) are renamed when the request ends.
      if (li.id && li.id.charAt(0) === "m" && document.getElementById(li.id)) { tmp.removeChild(li); continue; }
      list.appendChild(li);
      bind(li);
      added++;
    }
    if (seq && seq > last) { last = seq; }
    return added;
  }
  function draft(html) {
    var d = document.getElementById("draft");
    if (!d) {
      d = document.createElement("li");
      d.id = "draft";
      d.className = "msg msg-bot msg-draft";
      d.innerHTML = '<div class="bubble"></div>';
      list.appendChild(d);
    }
    d.firstElementChild.innerHTML = html;
    scrollEnd();
  }
  function dropDraft() {
    var d = document.getElementById("draft");
    if (d) { d.parentNode.removeChild(d); }
  }

  // Reads "event: X\ndata: JSON\n\n" blocks from a fetch response.
  function readEvents(resp, onEvent) {
    var reader = resp.body.getReader();
    var decoder = new TextDecoder();
    var buf = "";
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) { return; }
        buf += decoder.decode(r.value, { stream: true });
        var i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          var block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          var name = "message", data = "";
          block.split("\n").forEach(function (line) {
            if (line.indexOf("event: ") === 0) { name = line.slice(7); }
            else if (line.indexOf("data: ") === 0) { data += line.slice(6); }
          });
          try { onEvent(name, data ? JSON.parse(data) : {}); } catch (e) { /* a bad event is skipped */ }
        }
        return pump();
      });
    }
    return pump();
  }

  // Submissions run one after another: a tap while an answer is still
  // arriving waits for it instead of being lost.
  var queue = Promise.resolve();
  function submit(form, submitter, ev) {
    if (!window.fetch || !window.ReadableStream || !window.TextDecoder || !window.URLSearchParams) {
      return; // the plain form post does it
    }
    ev.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    // Files go as multipart; everything else as a plain urlencoded form.
    var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
    // What the worker typed comes back into the composer if the message is
    // refused (too many at once): nothing typed is lost.
    var typed = form.id === "composer" && form.elements.text ? form.elements.text.value : "";
    if (form.id === "composer" || form.id === "upload") { form.reset(); }
    queue = queue.then(function () { return post(form.action, body, typed); });
  }
  function giveBack(typed) {
    var box = document.getElementById("q");
    if (typed && box && box.value === "") { box.value = typed; }
  }
  function post(action, body, typed) {
    busy = true;
    chat.setAttribute("data-busy", "1");
    say(chat.getAttribute("data-sending"));
    return fetch(action, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "text/event-stream" } })
      .then(function (resp) {
        if (!resp.body) { throw new Error("no body"); }
        return readEvents(resp, function (name, d) {
          if (name === "msg") { dropDraft(); addHTML(d.html, d.seq); showLatest(); }
          else if (name === "draft") { draft(d.html); }
          else if (name === "error") { say(d.message); giveBack(typed); }
          else if (name === "reload") { window.location.replace("/chat#end"); window.location.reload(); }
          else if (name === "done") { dropDraft(); say(""); stored(d.ids || {}); poll(); }
        });
      })
      .catch(function () { say(chat.getAttribute("data-offline")); giveBack(typed); })
      .then(function () {
        busy = false;
        chat.removeAttribute("data-busy");
      });
  }

  function bind(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var action = form.getAttribute("action") || "";
      if (action.indexOf("/chat/send") !== 0 && action.indexOf("/chat/press") !== 0 && action.indexOf("/chat/upload") !== 0) { return; }
      if (form.getAttribute("data-bound")) { return; }
      form.setAttribute("data-bound", "1");
      form.addEventListener("submit", function (ev) { submit(form, ev.submitter, ev); });
    });
  }
  bind(document);
  document.documentElement.classList.add("js");

  // Choosing a file sends it at once (the 📎 button opens the picker).
  var file = document.getElementById("file");
  var upload = document.getElementById("upload");
  if (file && upload) {
    file.addEventListener("change", function () {
      if (!file.files || !file.files.length) { return; }
      var tools = upload.closest("details");
      if (tools) { tools.open = false; }
      if (upload.requestSubmit) { upload.requestSubmit(); } else { upload.submit(); }
    });
  }

  // Enter sends, Shift+Enter is a new line (on a computer; phones keep
  // their Enter key for new lines).
  var q = document.getElementById("q");
  if (q && !("ontouchstart" in window)) {
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        if (q.value.trim() !== "") { document.getElementById("send").click(); }
      }
    });
  }

  // stored gives the request's messages their sequence numbers.
  function stored(ids) {
    Object.keys(ids).forEach(function (temp) {
      var el = document.getElementById(temp);
      if (!el) { return; }
      if (document.getElementById("m" + ids[temp])) { el.parentNode.removeChild(el); return; }
      el.id = "m" + ids[temp];
      el.setAttribute("data-seq", ids[temp]);
    });
  }

  // Messages that arrive later: a mediator's reply, a ticket's change.
  setInterval(function () {
    if (!document.hidden && !busy) { poll(); }
  }, 4000);
  function poll() {
    return fetch("/chat/messages?after=" + last, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        var n = d.html ? addHTML(d.html, 0) : 0;
        if (d.last > last) { last = d.last; }
        if (n > 0 && !busy) { list.lastElementChild.scrollIntoView({ block: "start", behavior: "smooth" }); }
      })
      .catch(function () {});
  }

  // Web Push, where the browser has it (not in WeChat's).
  var key = chat.getAttribute("data-push-key");
  var pushBtn = document.getElementById("push");
  if (key && pushBtn && "serviceWorker" in navigator && "PushManager" in window && window.Notification) {
    pushBtn.hidden = false;
    pushBtn.addEventListener("click", function () {
      Notification.requestPermission().then(function (perm) {
        if (perm !== "granted") { say(chat.getAttribute("data-push-denied")); return null; }
        return navigator.serviceWorker.register("/chat/sw.js", { scope: "/chat/" })
          .then(function () { return navigator.serviceWorker.ready; })
          .then(function (reg) { return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64(key) }); })
          .then(function (sub) {
            return fetch("/chat/push", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(sub) });
          })
          .then(function (r) { if (r && r.ok) { pushBtn.textContent = chat.getAttribute("data-push-on"); pushBtn.disabled = true; } });
      }).catch(function () { say(chat.getAttribute("data-push-denied")); });
    });
  }
  function b64(s) {
    var pad = "=".repeat((4 - s.length % 4) % 4);
    var raw = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  showLatest();
});
