// govdoor's service worker (served at /sw.js, scope "/"): web push notifications.
// It shows who sent a notification and its verification code, never a message's content,
// and opens the page the notification names (our own pages only) when it is clicked.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function ownPath(url) {
  // Only a path on this site: "/my/messages/", never "//elsewhere" or "https://...".
  return (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") ? url : "/my/messages/";
}

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "govdoor";
  var body = [data.body, data.from, data.code].filter(Boolean).join(" · ");
  event.waitUntil(self.registration.showNotification(title, {
    body: body,
    icon: "/icons/govdoor-192-any.png",
    badge: "/icons/govdoor-192-maskable.png",
    tag: data.code || undefined,
    data: { url: ownPath(data.url) }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = ownPath(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (new URL(windows[i].url).pathname === url && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
