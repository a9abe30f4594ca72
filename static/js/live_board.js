// Live leaderboards (member page and big screen): the server renders the board first; this
// script keeps it current. Without the push tier it polls board.json every 2 s with the last
// ETag, so an unchanged board costs a 304 and no request ever waits on the server. With it
// (data-subscribe-url), an EventSource on nginx + Nchan receives every new public board; the page
// then polls only slowly (60 s: the member's own row), reads the board once at the start and
// at the end (stage changes by the clock push nothing), and goes back
// to polling every 2 s if the stream fails, trying the stream again every 30 s. Every board
// carries a version (X-Board-Version on a poll, "version" in a message): one older than the page
// shows is ignored. A hidden tab polls every 15 s and catches up at once when shown again; a
// revoked display link (404, or a "gone" message) reloads the page. It also counts down to the
// end by the server's clock and, on the big screen, scrolls long boards slowly.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-board]");
  if (!root) { return; }
  var POLL_MS = 2000;
  var HIDDEN_POLL_MS = 15000;
  var PUSHED_POLL_MS = 60000;
  var END_JITTER_MS = 10000;
  var RESUBSCRIBE_MS = 30000;
  var pollUrl = root.getAttribute("data-poll-url");
  var subscribeUrl = root.getAttribute("data-subscribe-url");
  var version = Number(root.getAttribute("data-version")) || 0;
  var stream = null;
  var etag = null;
  var timer = null;
  var inFlight = false;
  var serverOffset = Date.parse(root.getAttribute("data-server-time")) - Date.now();
  var startsAt = Date.parse(root.getAttribute("data-starts-at"));
  var endsAt = Date.parse(root.getAttribute("data-ends-at"));
  var stage = root.getAttribute("data-stage-value");

  function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }
  function find(selector) { return root.querySelector(selector); }

  function scoreText(value) { return String(Math.round(Number(value) * 100) / 100); }
  function minutesText(seconds) {
    seconds = Math.max(0, Math.floor(Number(seconds) || 0));
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function unitValueText(metric, value) {
    if (metric === "participation") { return String(Math.round(Number(value) * 1000) / 10) + "%"; }
    return scoreText(value);
  }

  function row(cells, className) {
    var tr = document.createElement("tr");
    if (className) { tr.className = className; }
    cells.forEach(function (cell) {
      var td = document.createElement("td");
      td.className = cell[0];
      td.textContent = cell[1];
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(body, rows, empty) {
    if (!body) { return; }
    var fragment = document.createDocumentFragment();
    rows.forEach(function (tr) { fragment.appendChild(tr); });
    body.replaceChildren(fragment);
    if (empty) { empty.hidden = rows.length > 0; }
  }

  function renderPeople(board) {
    var entries = (board && board.entries) || [];
    fill(find("[data-people-rows]"), entries.map(function (entry) {
      return row([
        ["rank", entry.rank], ["name", entry.name], ["unit", entry.unit || ""],
        ["num", scoreText(entry.score)], ["num", minutesText(entry.time_used_seconds)]
      ]);
    }), find("[data-people-empty]"));
  }

  function renderUnits(board) {
    var entries = (board && board.entries) || [];
    var metric = board && board.metric;
    fill(find("[data-units-rows]"), entries.map(function (entry) {
      var ranked = entry.ranked && entry.rank !== null && entry.rank !== undefined;
      return row([
        ["rank", ranked ? entry.rank : "–"], ["name", entry.name],
        ["num", unitValueText(metric, entry.value)],
        ["num", entry.participants + "/" + entry.eligible]
      ], entry.ranked ? "" : "unranked");
    }), find("[data-units-empty]"));
  }

  function renderMine(mine) {
    var box = find("[data-me]");
    if (!box || !mine) { return; }
    var me = mine.me;
    box.hidden = !me;
    find("[data-me-missing]").hidden = Boolean(me);
    if (!me) { return; }
    find("[data-me-rank]").textContent = me.rank;
    find("[data-me-score]").textContent = scoreText(me.score);
    find("[data-me-time]").textContent = minutesText(me.time_used_seconds);
    fill(find("[data-neighbour-rows]"), (mine.neighbours || []).map(function (entry) {
      return row([["rank", entry.rank], ["name", entry.name], ["num", scoreText(entry.score)]],
        entry.is_me ? "is-me" : "");
    }));
  }

  function renderMeta(meta) {
    if (!meta) { return; }
    stage = meta.stage;
    if (meta.starts_at) { startsAt = Date.parse(meta.starts_at); }
    if (meta.ends_at) { endsAt = Date.parse(meta.ends_at); }
    var badge = find("[data-stage]");
    if (badge) { badge.textContent = msg("stage-" + meta.stage) || meta.stage; }
    var frozen = find("[data-frozen-banner]");
    if (frozen) { frozen.hidden = !meta.frozen; }
    var reveal = find("[data-reveal-banner]");
    if (reveal) { reveal.hidden = !meta.revealed; }
    tick();
  }

  // A board read before the one shown is dropped; the member's own row is always the newest.
  function apply(data, dataVersion) {
    if (!dataVersion || dataVersion > version) {
      version = Math.max(version, dataVersion || 0);
      renderMeta(data.meta);
      renderPeople(data.people);
      renderUnits(data.units);
    }
    renderMine(data.mine);
    root.setAttribute("data-updated", String(Date.now()));
  }

  function setConnection(ok) {
    var dot = find("[data-connection]");
    if (!dot) { return; }
    dot.textContent = ok ? msg("live") : msg("reconnecting");
    dot.classList.toggle("is-down", !ok);
  }

  function schedule() {
    window.clearTimeout(timer);
    var wait = stream ? PUSHED_POLL_MS : POLL_MS;
    timer = window.setTimeout(poll, document.hidden ? Math.max(wait, HIDDEN_POLL_MS) : wait);
  }

  function poll() {
    if (inFlight) { return; }
    inFlight = true;
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(pollUrl, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) { window.location.reload(); return null; }
        setConnection(response.ok || response.status === 304);
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        var read = Number(response.headers.get("X-Board-Version")) || 0;
        return response.json().then(function (data) { apply(data, read); });
      })
      .catch(function () { setConnection(false); })
      .then(function () { inFlight = false; schedule(); });
  }

  // The push tier: nginx holds the stream; a failed one falls back to polling every 2 s.
  function subscribe() {
    if (!subscribeUrl || !window.EventSource) { return; }
    stream = new window.EventSource(subscribeUrl);
    stream.onopen = function () { setConnection(true); root.setAttribute("data-pushed", ""); };
    stream.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.gone) { window.location.reload(); return; }
      apply(data, Number(data.version) || 0);
    };
    stream.onerror = function () {
      stream.close();
      stream = null;
      root.removeAttribute("data-pushed");
      setConnection(false);
      if (!inFlight) { window.clearTimeout(timer); poll(); }
      window.setTimeout(subscribe, RESUBSCRIBE_MS);  // nginx back after a restart, say
    };
  }

  // A tab shown again catches up at once instead of waiting for its slow hidden-tab poll.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !inFlight) { window.clearTimeout(timer); poll(); }
  });

  // The countdown follows the server's clock (its offset to this one was measured at load).
  var countdown = find("[data-countdown]");
  var readAt = {};
  // The start and the end happen by the clock, with no change to push: pages on the push tier
  // read the board once when each comes, spread over a few seconds so thousands of watchers
  // do not ask at once.
  function readOnceWhen(name, due) {
    if (!stream || !due || readAt[name]) { return; }
    readAt[name] = Date.now() + Math.random() * END_JITTER_MS;
    window.setTimeout(function () { if (!inFlight) { window.clearTimeout(timer); poll(); } },
      readAt[name] - Date.now());
  }
  function tick() {
    var now = Date.now() + serverOffset;
    var left = Math.floor((endsAt - now) / 1000);
    readOnceWhen("start", (stage === "upcoming" || stage === "registration") && now >= startsAt);
    readOnceWhen("end", stage === "running" && left < 0);
    if (!countdown) { return; }
    countdown.hidden = stage !== "running" || left < 0;
    if (countdown.hidden) { return; }
    countdown.textContent = window.lmsClock ? window.lmsClock(left, window.lmsDayWords(root)) : String(left);
  }
  tick();
  window.setInterval(tick, 1000);

  // The big screen scrolls a board taller than its box, pausing at the top and the bottom.
  Array.prototype.forEach.call(root.querySelectorAll("[data-auto-scroll]"), function (box) {
    var pauseUntil = Date.now() + 4000;
    window.setInterval(function () {
      if (Date.now() < pauseUntil || box.scrollHeight <= box.clientHeight) { return; }
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) {
        box.scrollTop = 0;
        pauseUntil = Date.now() + 4000;
        return;
      }
      box.scrollTop += 1;
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) { pauseUntil = Date.now() + 3000; }
    }, 40);
  });

  subscribe();
  schedule();
})();
