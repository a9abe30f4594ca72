// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.nav-manage[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }  // click elsewhere folds it
    });
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });
})();

// Live Markdown preview: a textarea with data-preview="ID" shows the server's rendering in #ID,
// the same sanitised HTML members will see.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    var target = document.getElementById(area.getAttribute("data-preview"));
    if (!target || !token) { return; }
    var timer = null;
    function refresh() {
      var body = new FormData();
      body.append("text", area.value);
      fetch("/manage/preview", {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token.getAttribute("content") }
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { target.innerHTML = data.html; } });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  });
})();

// "Mark as done" waits for the minimum reading time the server reported, counting down.
(function () {
  "use strict";
  var button = document.querySelector("[data-wait-seconds]");
  if (!button) { return; }
  var left = parseInt(button.getAttribute("data-wait-seconds"), 10) || 0;
  var label = button.textContent;
  function tick() {
    if (left <= 0) {
      button.disabled = false;
      button.textContent = label;
      return;
    }
    button.disabled = true;
    button.textContent = label + " (" + left + ")";
    left -= 1;
    setTimeout(tick, 1000);
  }
  tick();
})();

// A lesson video reports the seconds of it played so far (every few seconds while it plays);
// the server decides from the time that passed how much of that counts.
(function () {
  "use strict";
  var video = document.querySelector("video[data-progress-url]");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!video || !token) { return; }
  var url = video.getAttribute("data-progress-url");
  var shown = document.querySelector('[data-testid="watched"]');
  var sent = 0;
  var done = false;
  function played() {
    var total = 0;
    for (var i = 0; i < video.played.length; i += 1) {
      total += video.played.end(i) - video.played.start(i);
    }
    return total;
  }
  function report() {
    var watched = played();
    if (done || watched <= sent) { return; }
    sent = watched;
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token.getAttribute("content") },
      body: JSON.stringify({ watched_seconds: watched })
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (shown) { shown.textContent = data.watched_percent + "%"; }
        if (data.completed) { done = true; window.location.reload(); }
      });
  }
  var timer = null;
  video.addEventListener("playing", function () {
    if (timer === null) { timer = setInterval(report, 5000); }
  });
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    report();
  }
  video.addEventListener("pause", stop);
  video.addEventListener("ended", stop);
})();

// The question form previews the whole question, as members will see it, as the author types.
(function () {
  "use strict";
  var form = document.querySelector("form[data-question-preview]");
  var target = document.getElementById("question-preview");
  var token = document.querySelector('meta[name="csrf-token"]');
  if (!form || !target || !token) { return; }
  var timer = null;
  function refresh() {
    fetch(form.getAttribute("data-question-preview"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRFToken": token.getAttribute("content") }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.html) {
          target.innerHTML = data.html;
        } else {
          target.textContent = data.error || "";
        }
      });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();
})();

// forms: a refused form's error summary takes the focus (screen readers read it first), and each
// of its links puts the cursor in its field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
})();

// Tables scroll inside a .table-wrap instead of widening the page (app.css). Whatever scrolls
// sideways (a table's wrapper, the certificate) is a labelled region the keyboard can reach and
// scroll: tabindex="0", role="region" and an aria-label from a caption or heading. Tables written
// in lesson or question text get the wrapper here.
(function () {
  "use strict";
  var fallback = document.body.getAttribute("data-scroll-label") || "Scrollable area";
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".table-wrap") || table.classList.contains("live-table")) { return; }
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  });
  var HEADINGS = "h1, h2, h3, h4, caption";
  var headings = Array.prototype.slice.call(
    document.querySelectorAll("main h1, main h2, main h3, main h4, main article > header")
  );
  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function labelOf(box) {
    var above = headings.filter(function (heading) {
      return heading.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING;
    }).pop();
    var name = text(box.querySelector(HEADINGS)) || text(above);
    return name ? name + " (" + fallback + ")" : fallback;
  }
  function scrolls(element) {
    var overflow = getComputedStyle(element).overflowX;
    return (overflow === "auto" || overflow === "scroll") &&
      element.scrollWidth > element.clientWidth + 1 && !element.matches("textarea, select, input");
  }
  function mark() {
    var used = {};
    document.querySelectorAll("main *").forEach(function (box) {
      var ours = box.hasAttribute("data-scroll-region");
      if (!scrolls(box)) {
        if (ours) {
          ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) {
            box.removeAttribute(name);
          });
        }
        return;
      }
      if (box.hasAttribute("tabindex") && !ours) { return; }
      var label = labelOf(box);
      used[label] = (used[label] || 0) + 1;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", used[label] > 1 ? label + " " + used[label] : label);
      box.setAttribute("data-scroll-region", "");
    });
  }
  mark();
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(mark, 100);
  });
})();
