// The host console: who joined, the question with its right answer (for the host only), how
// many answered, the distribution after the close, the leaderboard, and the buttons that move
// the session on (Next, Pause, Resume, +10 s, Skip, End after a confirmation).
(function () {
  "use strict";
  var root = document.querySelector("[data-live-host]");
  if (!root || !window.lmsLive) { return; }
  var L = window.lmsLive;
  var actionUrl = root.getAttribute("data-action-url");
  var state = null;
  var feed = null;
  var busy = false;

  function find(selector) { return root.querySelector(selector); }
  function findAll(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function format(name, values) {
    var text = L.msg(root, name);
    Object.keys(values).forEach(function (key) { text = text.replace("{" + key + "}", values[key]); });
    return text;
  }

  function show(name) {
    findAll("[data-view]").forEach(function (element) {
      element.hidden = element.getAttribute("data-view") !== name;
    });
  }

  function button(action) { return find('.host-controls [data-action="' + action + '"]'); }

  function controls(s) {
    var open = s.state === "question";
    var paused = open && s.question.paused;
    var next = button("next");
    var labels = {
      lobby: "next-start", question: "next-reveal", reveal: "next-board",
      leaderboard: s.host && s.host.last ? "next-finish" : "next-question"
    };
    next.hidden = s.state === "finished";
    next.textContent = L.msg(root, labels[s.state] || "next-question");
    next.disabled = s.state === "lobby" && s.player_count === 0;
    button("pause").hidden = !open || paused;
    button("resume").hidden = !paused;
    button("extend").hidden = !open;
    button("skip").hidden = !open;
    find("[data-end]").hidden = s.state === "finished";
  }

  // The stem only in the section about to show, never in a hidden copy too.
  function stem(view, q) {
    var section = find('[data-view="' + view + '"]');
    findAll("[data-stem]").forEach(function (e) { if (!section.contains(e)) { L.clear(e); } });
    L.html(section.querySelector("[data-stem]"), q.stem_html);
  }

  function renderQuestion(s) {
    var q = s.question;
    find("[data-question-number]").textContent = format("question", { n: q.index + 1, total: s.total });
    stem("question", q);
    find("[data-answered]").textContent = format("answered", { n: q.answered, total: s.player_count });
    find("[data-paused]").hidden = !q.paused;
    var list = find("[data-options]");
    L.clear(list);
    var correct = (s.host && s.host.correct) || [];
    q.options.forEach(function (option, slot) {
      var item = L.optionNode("li", option, slot);
      if (correct.indexOf(option.id) !== -1) {
        item.classList.add("is-correct");
        var mark = document.createElement("span");
        mark.className = "correct-mark";
        mark.textContent = "✓";
        item.appendChild(mark);
      }
      list.appendChild(item);
    });
  }

  function renderBars(s) {
    var q = s.question;
    stem("reveal", q);
    var list = find("[data-bars]");
    L.clear(list);
    var total = 0;
    q.options.forEach(function (o) { total += L.countOf(s, o.id); });
    q.options.forEach(function (option, slot) {
      var item = L.optionNode("li", option, slot);
      var label = item.querySelector(".live-text");
      label.className = "bar-label";
      if (L.isCorrect(s, option.id)) { item.classList.add("is-correct"); label.insertBefore(document.createTextNode("✓ "), label.firstChild); }
      var track = document.createElement("span");
      track.className = "bar-track";
      var fill = document.createElement("span");
      fill.className = "bar-fill";
      track.appendChild(fill);
      var count = document.createElement("span");
      count.className = "live-count";
      count.textContent = String(L.countOf(s, option.id));
      item.appendChild(track);
      item.appendChild(count);
      list.appendChild(item);
      var share = total ? L.countOf(s, option.id) / total : 0;
      window.requestAnimationFrame(function () { fill.style.width = Math.round(share * 100) + "%"; });
    });
  }

  // Teams the host named: each player in the lobby with a choice of team.
  var moveUrl = root.getAttribute("data-move-url");
  var playersShown = null;
  function renderPlayers(s) {
    var teams = (s.host && s.host.teams) || [];
    var list = find("[data-players]");
    if (!teams.length) { L.fillPlayers(list, s); return; }
    var players = Array.isArray(s.players) ? s.players : [];
    var signature = JSON.stringify(players);
    if (signature === playersShown) { return; }
    playersShown = signature;
    L.clear(list);
    players.forEach(function (player) {
      var item = document.createElement("li");
      var select = document.createElement("select");
      select.setAttribute("aria-label", format("team-of", { name: player.name }));
      teams.forEach(function (team) {
        var option = document.createElement("option");
        option.value = String(team.id);
        option.textContent = team.name;
        option.selected = team.name === player.team;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        L.post(moveUrl.replace(/\/players\/1\//, "/players/" + player.id + "/"), { team_id: Number(select.value) })
          .then(function () { playersShown = null; if (feed) { feed.refresh(); } });
      });
      item.appendChild(document.createTextNode(player.name + " "));
      item.appendChild(select);
      list.appendChild(item);
    });
  }

  function render(s) {
    state = s;
    find("[data-state-badge] .live-state").textContent = L.msg(root, "state-" + s.state) || s.state;
    controls(s);
    if (s.state === "lobby") {
      find("[data-player-count]").textContent = String(s.player_count);
      renderPlayers(s);
      show("lobby");
    } else if (s.state === "question") {
      renderQuestion(s);
      show("question");
    } else if (s.state === "reveal") {
      renderBars(s);
      show("reveal");
    } else if (s.state === "finished") {
      show("finished");
    } else {
      show("leaderboard");
    }
    L.fillBoard(find("[data-board]"), (s.host && s.host.leaderboard) || s.leaderboard || []);
    find("[data-board-box]").hidden = s.state === "lobby";
  }

  function onState(s) {
    // Pushed messages are the public state; the host's own part (the right answer) is read.
    if (!s.host) { if (feed) { feed.refresh(); } return; }
    render(s);
  }

  function act(action) {
    if (busy) { return; }
    busy = true;
    var error = find("[data-action-error]");
    error.hidden = true;
    L.post(actionUrl.replace(/next$/, action), {}).then(function (result) {
      busy = false;
      if (result.ok) { if (feed) { feed.accept(result.data); } return; }
      error.textContent = format("failed", { why: (result.data.error && result.data.error.message) || result.status });
      error.hidden = false;
      if (feed) { feed.refresh(); }
    }, function () {
      busy = false;
      error.textContent = format("failed", { why: "—" });
      error.hidden = false;
    });
  }

  var dialog = find("[data-end-dialog]");
  findAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (dialog.open) { dialog.close(); }
      act(b.getAttribute("data-action"));
    });
  });
  find("[data-end]").addEventListener("click", function () { dialog.showModal(); });
  find("[data-end-cancel]").addEventListener("click", function () { dialog.close(); });

  // When the countdown ends, or as soon as every player has answered (as in Kahoot), the
  // console closes the question, so the reveal is published to every phone and the big screen
  // at once (the server would also read it closed by itself at the deadline).
  var closedFor = null;
  function everyoneAnswered(s) {
    return s.player_count > 0 && s.question.answered >= s.player_count;
  }
  window.setInterval(function () {
    if (!state || state.state !== "question" || state.question.paused) { return; }
    var key = state.question.index + ":" + state.version;
    if ((L.secondsLeft(state) > 0 && !everyoneAnswered(state)) || closedFor === key) { return; }
    closedFor = key;
    act("close");
  }, 250);

  feed = L.feed(root, onState);
  L.countdown(find("[data-countdown]"), function () { return state; });
})();
