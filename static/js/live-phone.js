// The phone of a live session: the lobby ("you're in"), the options as big buttons (one answer
// accepted), "answer received", then right or wrong with the points, the score and the rank.
// The page's first state comes with it, so a reload shows at once where the player stands.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-phone]");
  if (!root || !window.lmsLive) { return; }
  var L = window.lmsLive;
  var answerUrl = root.getAttribute("data-answer-url");
  var state = null;
  var builtFor = null;     // "index:version of the options" shown
  var sentIndex = -1;      // the question this phone has answered (before the server says so)
  var picked = [];
  var sending = false;
  var verdicts = {};       // index -> {correct, points} from the reveal, kept for the board
  var feed = null;

  function find(selector) { return root.querySelector(selector); }
  function findAll(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function show(name) {
    findAll("[data-view]").forEach(function (element) {
      element.hidden = element.getAttribute("data-view") !== name;
    });
  }

  function format(name, values) {
    var text = L.msg(root, name);
    Object.keys(values).forEach(function (key) { text = text.replace("{" + key + "}", values[key]); });
    return text;
  }

  function error(text) {
    var box = find("[data-answer-error]");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function send(answer) {
    if (sending || !state || !state.question) { return; }
    sending = true;
    error("");
    var index = state.question.index;
    findAll("[data-options] button, [data-submit]").forEach(function (b) { b.disabled = true; });
    L.post(answerUrl, { index: index, answer: answer }).then(function (result) {
      sending = false;
      if (result.ok || (result.data.error && result.data.error.code === "already_answered")) {
        sentIndex = index;
        render(state);
        return;
      }
      if (result.status === 409) {
        sentIndex = index;
        error(L.msg(root, "closed"));
        if (feed) { feed.refresh(); }
        return;
      }
      findAll("[data-options] button, [data-submit]").forEach(function (b) { b.disabled = false; });
      error((result.data.error && result.data.error.message) || L.msg(root, "failed"));
    }, function () {
      sending = false;
      findAll("[data-options] button, [data-submit]").forEach(function (b) { b.disabled = false; });
      error(L.msg(root, "failed"));
    });
  }

  function buildQuestion(q) {
    var key = q.index + ":" + q.options.map(function (o) { return o.id; }).join(",");
    if (builtFor === key) { return; }
    builtFor = key;
    picked = [];
    error("");
    var multiple = q.type === "multiple_choice";
    find("[data-question-number]").textContent = format("question", { n: q.index + 1, total: state.total });
    L.html(find("[data-stem]"), q.stem_html);
    find("[data-multi-hint]").hidden = !multiple;
    var submit = find("[data-submit]");
    submit.hidden = !multiple;
    submit.disabled = true;
    var list = find("[data-options]");
    L.clear(list);
    q.options.forEach(function (option, slot) {
      var item = L.optionNode("li", option, slot);
      var button = document.createElement("button");
      button.type = "button";
      while (item.firstChild) { button.appendChild(item.firstChild); }
      if (multiple) { button.setAttribute("aria-pressed", "false"); }
      button.addEventListener("click", function () {
        if (!multiple) { send(option.id); return; }
        var at = picked.indexOf(option.id);
        if (at === -1) { picked.push(option.id); } else { picked.splice(at, 1); }
        button.setAttribute("aria-pressed", at === -1 ? "true" : "false");
        submit.disabled = picked.length === 0;
      });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function fillStats(view, me) {
    findAll('[data-view="' + view + '"] [data-score]').forEach(function (e) { e.textContent = me ? me.score : "–"; });
    findAll('[data-view="' + view + '"] [data-rank]').forEach(function (e) { e.textContent = me ? me.rank : "–"; });
  }

  function showResult(s) {
    var me = s.me || {};
    var index = s.question ? s.question.index : s.index;
    if (s.state === "reveal" && me.correct !== undefined) {
      verdicts[index] = {
        correct: me.correct, points: me.points || 0, answered: me.answered || sentIndex === index
      };
    }
    var verdict = verdicts[index];
    var panel = find('[data-view="result"]');
    panel.classList.toggle("is-right", Boolean(verdict && verdict.correct));
    panel.classList.toggle("is-wrong", Boolean(verdict && !verdict.correct));
    var heading = find("[data-verdict]");
    var gained = find("[data-gained]");
    if (verdict) {
      heading.textContent = verdict.correct ? L.msg(root, "right")
        : (verdict.answered ? L.msg(root, "wrong") : L.msg(root, "no-answer"));
      gained.textContent = format("points", { n: verdict.points });
    } else {
      heading.textContent = "";
      gained.textContent = "";
    }
    gained.hidden = !verdict;
    fillStats("result", s.me);
    show("result");
  }

  function render(s) {
    switch (s.state) {
      case "lobby":
        show("lobby");
        break;
      case "question":
        if (s.question.paused) { show("paused"); break; }
        if (sentIndex === s.question.index || Boolean(s.me && s.me.answered)) {
          show("waiting");
          break;
        }
        buildQuestion(s.question);
        show("question");
        break;
      case "reveal":
      case "leaderboard":
        showResult(s);
        break;
      case "finished":
        fillStats("finished", s.me);
        show("finished");
        break;
      default:
        break;
    }
  }

  function onState(s) {
    var before = state;
    // A pushed message is the public state: the phone's own part stays from its last read,
    // updated from the message's results (every player's score, rank, points and right after
    // a close); without them the phone reads its own state again.
    if (!s.me && before && before.me) {
      s.me = Object.assign({}, before.me);
      if (before.index !== s.index) { s.me.answered = false; delete s.me.correct; }
      var mine = s.results && s.results[String(s.me.player_id)];
      if (mine) {
        s.me.score = mine[0];
        s.me.rank = mine[1];
        if (s.state === "reveal") { s.me.points = mine[2]; s.me.correct = Boolean(mine[3]); }
      } else if (["reveal", "leaderboard", "finished"].indexOf(s.state) !== -1 && feed) {
        feed.refresh();
      }
    }
    state = s;
    render(s);
  }

  feed = L.feed(root, onState);
  L.countdown(find("[data-countdown]"), function () { return state; });
  find("[data-submit]").addEventListener("click", function () { if (picked.length) { send(picked.slice()); } });
})();
