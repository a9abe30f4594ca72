// The big screen of a live session: the lobby (PIN, join link, QR code, who joined), the
// question with its countdown, the distribution and the right answer after the close, the
// leaderboard, and the podium at the end. Public: it shows only the public state.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-screen]");
  if (!root || !window.lmsLive) { return; }
  var L = window.lmsLive;
  var state = null;
  var builtFor = null;

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

  // The question's number and stem in the section about to show (only there: a hidden copy
  // would be read twice by a screen reader and found twice by a search).
  function heading(view, s) {
    var section = find('[data-view="' + view + '"]');
    findAll("[data-stem]").forEach(function (e) { if (!section.contains(e)) { L.clear(e); } });
    section.querySelector("[data-question-number]").textContent =
      format("question", { n: s.question.index + 1, total: s.total });
    L.html(section.querySelector("[data-stem]"), s.question.stem_html);
  }

  function renderQuestion(s) {
    var q = s.question;
    find("[data-answered]").textContent = format("answered", { n: q.answered, total: s.player_count });
    find("[data-paused]").hidden = !q.paused;
    if (builtFor === q.index) { return; }
    builtFor = q.index;
    heading("question", s);
    var list = find("[data-options]");
    L.clear(list);
    q.options.forEach(function (option, slot) { list.appendChild(L.optionNode("li", option, slot)); });
  }

  function renderReveal(s) {
    builtFor = null;
    heading("reveal", s);
    var q = s.question;
    var chart = find("[data-chart]");
    L.clear(chart);
    var most = 1;
    q.options.forEach(function (o) { most = Math.max(most, L.countOf(s, o.id)); });
    var right = [];
    q.options.forEach(function (option, slot) {
      var col = L.optionNode("div", option, slot);
      col.className = "live-option col";
      var correct = L.isCorrect(s, option.id);
      if (!correct) { col.classList.add("is-dim"); } else { right.push(option); }
      var text = col.querySelector(".live-text");
      col.removeChild(text);
      var shape = col.querySelector(".live-shape");
      shape.className = "col-label";
      if (correct) { shape.textContent += " ✓"; }
      var count = document.createElement("span");
      count.className = "col-count";
      count.textContent = String(L.countOf(s, option.id));
      var bar = document.createElement("span");
      bar.className = "col-bar";
      col.insertBefore(bar, shape);
      col.insertBefore(count, bar);
      chart.appendChild(col);
      var share = L.countOf(s, option.id) / most;
      window.requestAnimationFrame(function () { bar.style.height = Math.round(share * 85) + "%"; });
    });
    var answer = find("[data-correct]");
    L.clear(answer);
    right.forEach(function (option, i) {
      var part = document.createElement("span");
      L.html(part, (i ? " · " : "") + option.text_html);
      answer.appendChild(part);
    });
  }

  function renderPodium(entries) {
    var steps = [find(".podium .first"), find(".podium .second"), find(".podium .third")];
    steps.forEach(function (step, i) {
      var entry = entries[i];
      step.hidden = !entry;
      if (!entry) { return; }
      step.querySelector("[data-who]").textContent = entry.team ? entry.name + " · " + entry.team : entry.name;
      step.querySelector("[data-pts]").textContent = String(entry.score);
    });
  }

  function render(s) {
    state = s;
    if (s.state === "lobby") {
      find("[data-player-count]").textContent = String(s.player_count);
      L.fillPlayers(find("[data-players]"), s);
      show("lobby");
    } else if (s.state === "question") {
      renderQuestion(s);
      show("question");
    } else if (s.state === "reveal") {
      renderReveal(s);
      show("reveal");
    } else if (s.state === "leaderboard") {
      L.fillBoard(find("[data-team-board]"), s.teams);
      L.fillBoard(find("[data-board]"), s.leaderboard);
      show("leaderboard");
    } else if (s.state === "finished") {
      // A team quiz crowns teams; a quiz for everyone, its best three players.
      renderPodium((s.teams && s.teams.length ? s.teams.map(function (t) {
        return { name: t.name, score: t.score };
      }) : s.leaderboard) || []);
      show("finished");
    }
  }

  L.feed(root, render);
  L.countdown(find("[data-countdown]"), function () { return state; });
})();
