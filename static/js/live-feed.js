// The live session's state for the host console, the big screen and the phone (window.lmsLive).
// With a push tier (data-subscribe-url) the page listens to nginx's channel through EventSource
// and polls slowly only to catch up; without one it polls the state URL every second with the
// last ETag, so an unchanged state costs a 304 and no request ever waits on the server. Messages
// carry a version: an older one than the page has is ignored. The countdown follows the server:
// each state says how many seconds are left, measured when the server answered.
(function () {
  "use strict";
  var POLL_MS = 1000;
  var SLOW_POLL_MS = 10000;
  var HIDDEN_POLL_MS = 5000;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function feed(root, onState) {
    var stateUrl = root.getAttribute("data-state-url");
    var subscribeUrl = root.getAttribute("data-subscribe-url");
    var etag = null;
    var version = -1;
    var timer = null;
    var inFlight = false;
    var again = false;  // a refresh asked for while a poll was under way
    var pushing = false;

    function connection(ok) {
      var box = root.querySelector("[data-connection]");
      if (!box) { return; }
      box.textContent = ok ? "" : (root.getAttribute("data-msg-reconnecting") || "");
      box.hidden = ok;
    }

    function accept(data, force) {
      if (!data || typeof data !== "object") { return; }
      var v = typeof data.version === "number" ? data.version : version;
      if (!force && v < version) { return; }
      version = v;
      data.receivedAt = Date.now();
      lastState = data;
      root.setAttribute("data-version", String(v));
      root.setAttribute("data-state", data.state || "");
      onState(data);
    }

    function schedule() {
      window.clearTimeout(timer);
      var wait = pushing ? SLOW_POLL_MS : (document.hidden ? HIDDEN_POLL_MS : POLL_MS);
      timer = window.setTimeout(poll, wait);
    }

    function poll() {
      if (inFlight) { return; }
      inFlight = true;
      var headers = { "Accept": "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(stateUrl, { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          connection(response.ok || response.status === 304);
          if (response.status === 404 || response.status === 403) { window.location.reload(); return null; }
          if (response.status !== 200) { return null; }
          etag = response.headers.get("ETag");
          return response.json().then(function (data) { accept(data, true); });
        })
        .catch(function () { connection(false); })
        .then(function () {
          inFlight = false;
          if (again) { again = false; etag = null; poll(); } else { schedule(); }
        });
    }

    if (subscribeUrl && window.EventSource) {
      var source = new EventSource(subscribeUrl, { withCredentials: true });
      source.onopen = function () { pushing = true; root.setAttribute("data-pushed", ""); connection(true); schedule(); };
      source.onerror = function () { pushing = false; schedule(); };
      source.onmessage = function (event) {
        try { accept(JSON.parse(event.data), false); } catch (ignore) { /* a partial message */ }
      };
    }
    // No write happens when a question's time runs out: its state reads "reveal" from then on,
    // so the page asks once at zero instead of waiting for a message or the next slow poll.
    var lastState = null;
    var askedAtZero = -1;
    window.setInterval(function () {
      if (!lastState || lastState.state !== "question" || lastState.question.paused) { return; }
      if (secondsLeft(lastState) > 0 || askedAtZero === lastState.version) { return; }
      askedAtZero = lastState.version;
      window.setTimeout(api.refresh, 300);
    }, 250);
    // Joins and answer counts come on a channel of their own (host and big screen): each
    // message patches the last state instead of replacing it.
    var countsUrl = root.getAttribute("data-counts-url");
    if (countsUrl && window.EventSource) {
      new EventSource(countsUrl, { withCredentials: true }).onmessage = function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (ignore) { return; }
        if (!lastState) { return; }
        var patched = Object.assign({}, lastState);
        if (message.kind === "players") {
          patched.player_count = message.player_count;
          if (patched.state === "lobby") { patched.players = message.players || []; }
        } else if (message.kind === "answered" && patched.question && patched.question.index === message.index) {
          patched.question = Object.assign({}, patched.question, { answered: message.answered });
        } else {
          return;
        }
        lastState = patched;
        onState(patched);
      };
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && !inFlight) { window.clearTimeout(timer); poll(); }
    });
    var api = {
      refresh: function () {
        window.clearTimeout(timer);
        etag = null;
        if (inFlight) { again = true; } else { poll(); }
      },
      accept: function (data) { accept(data, true); }
    };
    var initial = root.getAttribute("data-initial");
    if (initial) { try { accept(JSON.parse(initial), true); } catch (ignore) { /* poll below */ } }
    schedule();
    return api;
  }

  // Seconds left of the current question, by the server's measure when the state arrived.
  function secondsLeft(state) {
    var q = state && state.question;
    if (!q || q.seconds_left === null || q.seconds_left === undefined) { return null; }
    if (q.paused) { return Math.max(0, q.seconds_left); }
    return Math.max(0, q.seconds_left - (Date.now() - state.receivedAt) / 1000);
  }

  function countdown(element, getState) {
    if (!element) { return; }
    function tick() {
      var left = secondsLeft(getState());
      element.hidden = left === null;
      if (left === null) { return; }
      var whole = Math.ceil(left);
      var rest = whole % 60;
      element.textContent = whole < 60 ? String(whole) : Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
      element.classList.toggle("is-low", left <= 5);
    }
    tick();
    window.setInterval(tick, 200);
  }

  function msg(root, name) { return root.getAttribute("data-msg-" + name) || ""; }

  function clear(element) { while (element.firstChild) { element.removeChild(element.firstChild); } }

  // Server-rendered HTML of a stem or option (already sanitised by render_markdown).
  function html(element, value) { element.innerHTML = value || ""; }

  var SHAPES = ["▲", "◆", "●", "■", "★", "⬟"];

  // One option as the pages show it: a coloured slot with its shape and its text.
  function optionNode(tag, option, slot) {
    var node = document.createElement(tag);
    node.className = "live-option";
    node.setAttribute("data-slot", String(slot % 6));
    node.setAttribute("data-option-id", option.id);
    var shape = document.createElement("span");
    shape.className = "live-shape";
    shape.setAttribute("aria-hidden", "true");
    shape.textContent = SHAPES[slot % 6];
    var text = document.createElement("span");
    text.className = "live-text";
    html(text, option.text_html);
    node.appendChild(shape);
    node.appendChild(text);
    return node;
  }

  function players(list) {
    if (Array.isArray(list)) { return list; }
    return [];
  }

  function playerCount(state) {
    if (typeof state.player_count === "number") { return state.player_count; }
    if (typeof state.players === "number") { return state.players; }
    return players(state.players).length;
  }

  function fillPlayers(element, state) {
    if (!element) { return; }
    clear(element);
    players(state.players).forEach(function (player) {
      var li = document.createElement("li");
      li.textContent = player.team ? player.name + " · " + player.team : player.name;
      element.appendChild(li);
    });
  }

  // Leaderboard rows into a <tbody>: rank, name, team, score.
  function fillBoard(body, entries) {
    if (!body) { return; }
    clear(body);
    var teams = !body.closest("[data-no-team]");
    (entries || []).forEach(function (entry) {
      var tr = document.createElement("tr");
      tr.className = "rank-" + entry.rank;
      var cells = [["rank", entry.rank], ["name", entry.name]];
      if (teams) { cells.push(["team", entry.team || ""]); }
      cells.push(["num", entry.score]);
      cells.forEach(function (cell) {
        var td = document.createElement("td");
        td.className = cell[0];
        td.textContent = cell[1] === null || cell[1] === undefined ? "" : String(cell[1]);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function isCorrect(state, optionId) {
    return Boolean(state.reveal && (state.reveal.correct || []).indexOf(optionId) !== -1);
  }

  function countOf(state, optionId) {
    return (state.reveal && state.reveal.counts && state.reveal.counts[optionId]) || 0;
  }

  window.lmsLive = {
    post: post, feed: feed, secondsLeft: secondsLeft, countdown: countdown, msg: msg,
    clear: clear, html: html, optionNode: optionNode, playerCount: playerCount,
    fillPlayers: fillPlayers, fillBoard: fillBoard, isCorrect: isCorrect, countOf: countOf
  };
})();
