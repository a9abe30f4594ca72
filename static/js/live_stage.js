// Stage pages (host, judges, team phones, big screen): follow the session's version.
// With the push tier the page listens on its channel; without it, it polls a small JSON with
// its ETag (an unchanged state costs a 304). When the version moves on, the page reloads,
// unless someone is typing in it (then it reloads once they leave the field).
(function () {
  "use strict";
  var root = document.querySelector("[data-stage-live]");
  if (!root) { return; }
  var version = parseInt(root.getAttribute("data-version"), 10) || 0;
  var stateUrl = root.getAttribute("data-state-url");
  var subscribeUrl = root.getAttribute("data-subscribe-url");
  var pending = false;

  function typing() {
    var el = document.activeElement;
    return !!el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.type !== "hidden";
  }

  function reloadWhenIdle() {
    if (typing()) {
      if (!pending) {
        pending = true;
        document.addEventListener("focusout", function () { setTimeout(reloadWhenIdle, 50); }, { once: true });
      }
      return;
    }
    window.location.reload();
  }

  function seen(state) {
    if (state && typeof state.version === "number" && state.version > version) {
      version = state.version;
      reloadWhenIdle();
    }
  }

  function poll() {
    fetch(stateUrl, { credentials: "same-origin", cache: "no-cache", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(seen)
      .catch(function () { return null; })
      .then(function () { setTimeout(poll, subscribeUrl ? 10000 : 1500); });
  }

  if (subscribeUrl && window.EventSource) {
    var source = new EventSource(subscribeUrl);
    source.onmessage = function (event) {
      try { seen(JSON.parse(event.data)); } catch (error) { poll(); }
    };
  }
  setTimeout(poll, subscribeUrl ? 10000 : 1500);
})();
