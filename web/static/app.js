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
});
