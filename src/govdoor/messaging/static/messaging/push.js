// Subscribe this device to web push for govdoor notifications (progressive enhancement:
// without JavaScript or push support the button stays hidden).
(function () {
  "use strict";
  var button = document.querySelector("[data-govdoor-push]");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
  var key = button.getAttribute("data-vapid-public-key");
  function toBytes(b64) {
    var pad = "=".repeat((4 - (b64.length % 4)) % 4);
    var raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.serviceWorker.register(button.getAttribute("data-worker"), { scope: "/" })
      .then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(key) });
      })
      .then(function (subscription) {
        var form = document.getElementById("govdoor-push-form");
        form.querySelector("[name='contact-value']").value = JSON.stringify(subscription);
        form.submit();
      })
      .catch(function () { button.disabled = true; });
  });
})();
