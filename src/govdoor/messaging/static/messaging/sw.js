// govdoor's service worker for web push: shows who sent a notification and its code,
// never a message's content, and opens the mailbox when clicked.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "govdoor";
  var body = [data.body, data.from, data.code].filter(Boolean).join(" · ");
  event.waitUntil(self.registration.showNotification(title, { body: body, data: { url: data.url || "/my/messages/" } }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/my/messages/";
  if (url.charAt(0) !== "/") { url = "/my/messages/"; }
  event.waitUntil(self.clients.openWindow(url));
});
