// The attempt page, enhanced: every answer is saved as soon as it changes (PUT per slot with an
// increasing sequence, retried while offline), flags and checks go through the API, the timer
// counts down from the seconds the server computed and hands in by itself at zero.
// Without this script the page is a plain form that posts; the server enforces everything.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var api = form.getAttribute("data-api");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var statusLine = form.querySelector("[data-save-status]");
  var slots = {};
  var handingIn = false;

  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function request(method, path, body) {
    return fetch(api + path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  function errorOf(response) {
    return response.json().then(function (data) {
      var error = (data && data.error) || {};
      return { code: error.code || "", message: error.message || response.statusText };
    }, function () { return { code: "", message: response.statusText }; });
  }

  function setStatus(kind, text) {
    if (!statusLine) { return; }
    statusLine.className = "save-status muted is-" + kind;
    statusLine.textContent = text || msg(kind);
  }

  function refreshStatus() {
    var busy = Object.keys(slots).some(function (slot) {
      return slots[slot].sending || slots[slot].dirty;
    });
    if (busy) { setStatus("saving"); } else if (!statusLine.classList.contains("is-offline")) { setStatus("saved"); }
  }

  // The answer of one question in the shape of the API (opaque tokens, as the page shows them).
  function answerOf(article) {
    var type = article.getAttribute("data-type");
    var fields = Array.prototype.filter.call(
      article.querySelectorAll("input, select, textarea"),
      function (field) { return field.type !== "hidden" && field.name; }
    );
    var checked = fields.filter(function (field) { return field.checked; });
    var values = fields.map(function (field) { return field.value; });
    if (type === "single_choice") { return checked.length ? checked[0].value : null; }
    if (type === "true_false") { return checked.length ? checked[0].value === "true" : null; }
    if (type === "multiple_choice") {
      return checked.length ? checked.map(function (field) { return field.value; }) : null;
    }
    if (type === "fill_blank") {
      return values.some(function (v) { return v.trim() !== ""; }) ? values : null;
    }
    if (type === "matching") {
      var pairs = {};
      var prefix = "q" + article.getAttribute("data-slot") + "-";
      fields.forEach(function (field) {
        if (field.value) { pairs[field.name.slice(prefix.length)] = field.value; }
      });
      return Object.keys(pairs).length ? pairs : null;
    }
    if (type === "numerical") {
      var text = (values[0] || "").trim();
      if (text === "") { return null; }
      var number = Number(text);
      return isFinite(number) ? number : text;
    }
    return values.length && values[0].trim() !== "" ? values[0] : null;
  }

  function markAnswered(slot, answered) {
    var link = document.querySelector('[data-nav-slot="' + slot + '"]');
    if (link) {
      link.classList.toggle("answered", answered);
      link.setAttribute("data-answered", answered ? "yes" : "no");
    }
    var answered = document.querySelectorAll('[data-nav-slot][data-answered="yes"]').length;
    document.querySelectorAll("[data-answered-count]").forEach(function (count) { count.textContent = answered; });
  }

  function showItemError(state, text) {
    var line = state.article.querySelector("[data-item-error]");
    if (!line) { return; }
    line.textContent = text || "";
    line.hidden = !text;
  }

  function closed(text) {
    // The server refused because the attempt is over: say why, then show the review.
    handingIn = true;
    setStatus("failed", text);
    var banner = document.querySelector("[data-time-warning]");
    if (banner) { banner.textContent = text; banner.hidden = false; }
    setTimeout(function () { window.location.assign(form.getAttribute("data-review-url")); }, 2500);
  }

  function save(slot) {
    var state = slots[slot];
    if (handingIn) { return; }
    if (state.sending) { state.dirty = true; return; }
    clearTimeout(state.timer);
    state.sending = true;
    state.dirty = false;
    state.sequence += 1;
    var answer = answerOf(state.article);
    refreshStatus();
    request("PUT", "/answers/" + slot, { answer: answer, sequence: state.sequence }).then(function (response) {
      state.sending = false;
      if (response.ok) {
        state.delay = 1000;
        showItemError(state, "");
        markAnswered(slot, answer !== null);
        response.json().then(function (data) {
          // Another page or device saved with a higher number: continue above it.
          if (data && data.stale) { state.sequence = Math.max(state.sequence, data.sequence); state.dirty = true; }
        }, function () { return null; }).then(function () {
          if (state.dirty) { save(slot); } else { refreshStatus(); }
        });
        return;
      }
      if (response.status >= 500 || response.status === 429) { retry(slot); return; }
      errorOf(response).then(function (error) {
        if (response.status === 409 && error.code === "attempt_closed") { closed(error.message); return; }
        showItemError(state, error.message);
        setStatus("failed", msg("failed") + " " + error.message);
      });
    }, function () {
      state.sending = false;
      retry(slot);
    });
  }

  function retry(slot) {
    var state = slots[slot];
    state.dirty = true;
    setStatus("offline");
    state.timer = setTimeout(function () { save(slot); }, state.delay);
    state.delay = Math.min(state.delay * 2, 15000);
  }

  function whenIdle(slot) {
    return new Promise(function (resolve) {
      var waited = 0;
      (function poll() {
        var state = slots[slot];
        if ((!state.sending && !state.dirty) || waited > 10000) { resolve(); return; }
        waited += 100;
        setTimeout(poll, 100);
      })();
    });
  }

  // On a phone the navigation panel starts folded, so the question comes first.
  var panel = form.querySelector("details.question-nav");
  if (panel && window.matchMedia("(max-width: 899px)").matches) { panel.open = false; }

  form.querySelectorAll("article.question").forEach(function (article) {
    var slot = article.getAttribute("data-slot");
    slots[slot] = {
      article: article,
      sequence: parseInt(article.getAttribute("data-sequence"), 10) || 0,
      sending: false, dirty: false, delay: 1000, timer: null
    };
    // Blanks sit in the stem where the question puts them; the list under it is the no-JS form.
    article.querySelectorAll(".stem .blank[data-blank]").forEach(function (span) {
      var label = article.querySelector('[data-blank-for="' + span.getAttribute("data-blank") + '"]');
      var input = label && label.querySelector("input");
      if (!input) { return; }
      input.setAttribute("aria-label", label.textContent.trim());
      span.textContent = "";
      span.appendChild(input);
      span.classList.add("has-input");
      label.hidden = true;
    });
  });

  form.addEventListener("change", function (event) {
    var article = event.target.closest("article.question");
    if (article) { save(article.getAttribute("data-slot")); }
  });

  // An answer given before this script ran (a quick tap while the page loads) or put back by
  // the browser after a reload differs from what the server rendered, and no change event will
  // come for it: save it now.
  function changedSinceRendered(field) {
    if (field.type === "hidden" || !field.name) { return false; }
    if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT") {
      var initial = 0;
      Array.prototype.forEach.call(field.options, function (option, index) {
        if (option.defaultSelected) { initial = index; }
      });
      return field.selectedIndex !== initial;
    }
    return field.value !== field.defaultValue;
  }
  Object.keys(slots).forEach(function (slot) {
    var fields = slots[slot].article.querySelectorAll("input, select, textarea");
    if (Array.prototype.some.call(fields, changedSinceRendered)) { save(slot); }
  });
  form.addEventListener("input", function (event) {
    var article = event.target.closest("article.question");
    if (!article || !event.target.matches("input[type=text], input[type=number], textarea")) { return; }
    var state = slots[article.getAttribute("data-slot")];
    clearTimeout(state.timer);
    state.dirty = true;
    refreshStatus();
    state.timer = setTimeout(function () { state.dirty = false; save(article.getAttribute("data-slot")); }, 700);
  });

  function handIn() {
    if (handingIn) { return; }
    handingIn = true;
    form.setAttribute("action", form.getAttribute("data-submit-url"));
    form.submit();
  }

  form.addEventListener("click", function (event) {
    var flag = event.target.closest("[data-flag]");
    var check = event.target.closest("[data-check]");
    var finish = event.target.closest("[data-finish]");
    if (flag) {
      event.preventDefault();
      var slot = flag.getAttribute("data-flag");
      var flagged = flag.getAttribute("aria-pressed") !== "true";
      request("PUT", "/flags/" + slot, { flagged: flagged }).then(function (response) {
        if (!response.ok) {
          errorOf(response).then(function (error) {
            if (error.code === "attempt_closed") { closed(error.message); } else { setStatus("failed", error.message); }
          });
          return;
        }
        flag.setAttribute("aria-pressed", flagged ? "true" : "false");
        flag.classList.toggle("is-flagged", flagged);
        flag.querySelector("[data-flag-label]").textContent = msg(flagged ? "unflag" : "flag");
        var link = document.querySelector('[data-nav-slot="' + slot + '"]');
        if (link) { link.classList.toggle("flagged", flagged); }
      }, function () { setStatus("offline"); });
    } else if (check) {
      event.preventDefault();
      var checkSlot = check.getAttribute("data-check");
      check.disabled = true;
      save(checkSlot);
      whenIdle(checkSlot).then(function () {
        return request("POST", "/check/" + checkSlot);
      }).then(function (response) {
        if (response.ok) {
          window.location.hash = "q" + checkSlot;
          window.location.reload();
          return;
        }
        check.disabled = false;
        errorOf(response).then(function (error) {
          if (error.code === "attempt_closed") { closed(error.message); } else { showItemError(slots[checkSlot], error.message); }
        });
      }, function () { check.disabled = false; setStatus("offline"); });
    } else if (finish) {
      event.preventDefault();
      var missing = Array.prototype.map.call(
        document.querySelectorAll('[data-nav-slot][data-answered="no"]'),
        function (link) { return link.getAttribute("data-nav-slot"); }
      );
      var question = msg("confirm") + (missing.length ? "\n" + msg("unanswered") + " " + missing.join(", ") : "");
      if (window.confirm(question)) { handIn(); }
    }
  });

  // The countdown: from the seconds the server computed, not the device's clock.
  var timer = form.querySelector("[data-seconds-left]");
  if (timer) {
    var text = timer.querySelector("[data-timer-text]");
    var banner = document.querySelector("[data-time-warning]");
    var msLeft = parseInt(timer.getAttribute("data-ms-left"), 10);
    if (isNaN(msLeft)) { msLeft = (parseInt(timer.getAttribute("data-seconds-left"), 10) || 0) * 1000; }
    var ends = Date.now() + msLeft;
    var previous = null;
    var words = window.lmsDayWords ? window.lmsDayWords(timer) : {};
    var warn = function (message) { banner.textContent = message; banner.hidden = false; };
    var tick = function () {
      var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      text.textContent = window.lmsClock ? window.lmsClock(left, words) : String(left);
      timer.classList.toggle("is-warning", left <= 300 && left > 60);
      timer.classList.toggle("is-urgent", left <= 60);
      if (previous !== null && previous > 300 && left <= 300 && left > 60) { warn(msg("five")); }
      if (previous !== null && previous > 60 && left <= 60 && left > 0) { warn(msg("one")); }
      previous = left;
      if (left <= 0) {
        warn(msg("timeup"));
        handIn();
        return;
      }
      setTimeout(tick, 250);
    };
    tick();
  }
  refreshStatus();
  if (statusLine) { statusLine.textContent = ""; }
})();
