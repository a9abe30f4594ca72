// Stage pages (host, judges, team phones, big screen): follow the session's version.
// With the push tier the page listens on its channel; without it, it polls a small JSON with
// its ETag (an unchanged state costs a 304). The big screen redraws itself from the state it
// receives; the other pages reload when the version moves on, unless someone is typing in
// them (then they reload once the person leaves the field).
(function () {
  "use strict";
  var root = document.querySelector("[data-stage-live]");
  if (!root) { return; }
  var version = parseInt(root.getAttribute("data-version"), 10) || 0;
  var stateUrl = root.getAttribute("data-state-url");
  var subscribeUrl = root.getAttribute("data-subscribe-url");
  var renders = root.hasAttribute("data-stage-render");
  var wordsNode = document.getElementById("stage-words");
  var words = wordsNode ? JSON.parse(wordsNode.textContent) : null;
  var pending = false;
  var leaving = false;  // a form was sent: its answer is the next page, no reload in between
  var pollTimer = null;
  var source = null;

  function leave() {  // close the channel before the page goes, so no request is cut off
    leaving = true;
    if (source) { source.close(); }
  }
  document.addEventListener("submit", leave);
  window.addEventListener("pagehide", leave);

  function typing() {
    var el = document.activeElement;
    return !!el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.type !== "hidden";
  }

  function reloadWhenIdle() {
    if (leaving) { return; }
    if (typing()) {
      if (!pending) {
        pending = true;
        document.addEventListener("focusout", function () { setTimeout(reloadWhenIdle, 50); }, { once: true });
      }
      return;
    }
    leave();
    window.location.reload();
  }

  // The big screen ---------------------------------------------------------------------------

  function el(tag, className, text, testid) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (testid) { node.setAttribute("data-testid", testid); }
    return node;
  }

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) {
      return text.split(key).join(String(values[key]));
    }, template);
  }

  function questionNodes(state) {
    var q = state.question;
    var nodes = [];
    if (!q) {
      nodes.push(el("p", "stage-screen-big", state.state === "finished" ? words.final : words.welcome, "stage-state"));
      return nodes;
    }
    var count = {};
    count[words.number_mark] = q.index + 1;
    count[words.total_mark] = state.total;
    nodes.push(el("p", "stage-screen-count", fill(words.count, count)));
    var block = el("section", "stage-question", null, "question");
    var kind = el("p", "stage-kind");
    kind.appendChild(el("span", "stage-badge", words.kinds[q.kind] || ""));
    if (q.team) { kind.appendChild(el("span", null, fill(words.answering, { "{team}": q.team }), "answering-team")); }
    if (q.risk_value) {
      var risk = {};
      risk[words.number_mark] = q.risk_value;
      kind.appendChild(el("span", "stage-risk", fill(words.risk, risk), "risk-value"));
    }
    block.appendChild(kind);
    var stem = el("div", "stage-stem");
    stem.innerHTML = q.stem_html;  // sanitised by the server (render_markdown)
    block.appendChild(stem);
    if (q.options && q.options.length) {
      var list = el("ol", "stage-options");
      list.setAttribute("type", "A");
      q.options.forEach(function (html) {
        var item = el("li");
        item.innerHTML = html;  // escaped or sanitised by the server
        list.appendChild(item);
      });
      block.appendChild(list);
    }
    if (q.answer) { block.appendChild(el("p", "stage-answer", fill(words.answer, { "{answer}": q.answer }), "right-answer")); }
    if (q.verdict) {
      block.appendChild(el("p", "stage-verdict is-" + q.verdict, q.verdict === "right" ? words.right : words.wrong, "verdict"));
    }
    nodes.push(block);
    if (q.kind === "buzzer" && state.state === "question") {
      if (q.team) { nodes.push(el("p", "stage-winner", fill(words.winner, { "{team}": q.team }), "buzz-winner")); }
      else if (q.buzz_open) { nodes.push(el("p", "stage-open", words.open, "buzz-status")); }
      else { nodes.push(el("p", null, words.ready, "buzz-status")); }
    }
    return nodes;
  }

  function render(state) {
    var join = root.querySelector(".stage-screen-join");
    if (join) {
      join.hidden = !state.pin;
      var pin = join.querySelector("[data-testid=pin]");
      if (pin && state.pin) { pin.textContent = state.pin; }
    }
    var left = root.querySelector("[data-screen-question]");
    left.replaceChildren.apply(left, questionNodes(state));
    root.querySelector("[data-testid=frozen-banner]").hidden = !state.frozen;
    var body = root.querySelector("[data-testid=screen-scores] tbody");
    body.replaceChildren.apply(body, state.scores.map(function (row) {
      var tr = el("tr");
      tr.appendChild(el("td", "rank", row.rank));
      tr.appendChild(el("td", "name", row.name));
      tr.appendChild(el("td", "num", row.score));
      return tr;
    }));
  }

  // Following the session --------------------------------------------------------------------

  function seen(state) {
    if (!state || typeof state.version !== "number" || state.version <= version) { return; }
    if (!Array.isArray(state.scores)) {  // the hosted state on the channel: read the stage one
      clearTimeout(pollTimer);
      pollTimer = setTimeout(poll, 300);
      return;
    }
    version = state.version;
    if (renders && words) {
      try { render(state); return; } catch (error) { /* fall back to a reload */ }
    }
    reloadWhenIdle();
  }

  function poll() {
    clearTimeout(pollTimer);
    fetch(stateUrl, { credentials: "same-origin", cache: "no-cache", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(seen)
      .catch(function () { return null; })
      .then(function () { pollTimer = setTimeout(poll, subscribeUrl ? 10000 : 1500); });
  }

  if (subscribeUrl && window.EventSource) {
    source = new EventSource(subscribeUrl);
    source.onmessage = function (event) {
      try { seen(JSON.parse(event.data)); } catch (error) { poll(); }
    };
  }
  pollTimer = setTimeout(poll, subscribeUrl ? 10000 : 1500);
})();
