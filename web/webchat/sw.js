// laborbot web chat: the service worker that shows Web Push notifications.
// A notification says only that there is a new message; opening it opens
// the chat, where the message is.
"use strict";
self.addEventListener("push", function (event) {
  var d = {};
  try { d = event.data ? event.data.json() : {}; } catch (e) { d = {}; }
  event.waitUntil(self.registration.showNotification(d.title || "工会法律助手", {
    body: d.body || "", icon: "/static/icon.svg", tag: "laborbot-chat", data: { url: d.url || "/chat" }
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/chat";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url.indexOf("/chat") !== -1 && "focus" in list[i]) { return list[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
