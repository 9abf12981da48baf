// laborbot web pages: the little JavaScript there is. Everything works
// without it; it only adds conveniences.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Forms with data-confirm ask before they are sent (closing a case,
  // removing a mediator, signing out everywhere).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        ev.preventDefault();
      }
    });
  });
  // A button with data-copy copies that text (a link) to the clipboard.
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      if (navigator.clipboard) {
        navigator.clipboard.writeText(btn.getAttribute("data-copy"));
        btn.setAttribute("data-copied", "1");
      }
    });
  });
  // An element with data-refresh="URL" is replaced by that URL's HTML
  // every 15 s while the page is visible (a ticket's timeline, so a
  // worker's reply shows without reloading).
  document.querySelectorAll("[data-refresh]").forEach(function (el) {
    var url = el.getAttribute("data-refresh");
    setInterval(function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { el.innerHTML = html; } })
        .catch(function () {});
    }, 15000);
  });
  // The knowledge-base editor (a form with data-kb-check="URL") is
  // checked as the admin types: the server answers with the problems by
  // field and line, and the preview as the worker will see it. Without
  // this script, "Check and preview" does the same on submit.
  document.querySelectorAll("form[data-kb-check]").forEach(function (form) {
    var url = form.getAttribute("data-kb-check");
    var lineLabel = form.getAttribute("data-line") || "line %d";
    var citeLabel = form.getAttribute("data-cite-label") || "citation %d";
    var timer = null, seq = 0;
    function show(res) {
      form.querySelectorAll("[data-field]").forEach(function (el) {
        var field = el.getAttribute("data-field");
        var list = el.querySelector(".field-problems");
        if (!list) { return; }
        list.textContent = "";
        res.problems.forEach(function (p) {
          if (p.field === field || (field === "key" && p.field === "id")) {
            var li = document.createElement("li");
            var label = field === "citations" ? citeLabel : lineLabel;
            li.textContent = (p.line ? label.replace("%d", p.line) + "：" : "") + p.message;
            list.appendChild(li);
          }
        });
        el.classList.toggle("has-problem", list.children.length > 0);
      });
      form.querySelectorAll(".citations input").forEach(function (input, i) {
        input.classList.toggle("bad", res.problems.some(function (p) { return p.field === "citations" && p.line === i + 1; }));
      });
      var summary = document.getElementById("problems");
      if (summary) { summary.innerHTML = res.summary; }
      var preview = document.getElementById("kb-preview");
      if (preview && res.preview) { preview.innerHTML = res.preview; }
    }
    function check() {
      var mine = ++seq;
      fetch(url, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" },
        body: new URLSearchParams(new FormData(form)) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (res) { if (res && mine === seq) { show(res); } })
        .catch(function () {});
    }
    function later(ms) { clearTimeout(timer); timer = setTimeout(check, ms); }
    form.addEventListener("input", function () { later(400); });
    form.addEventListener("change", function () { later(100); });
  });
});
