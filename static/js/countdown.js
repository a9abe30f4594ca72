// Countdowns as people read them: "7 天 23:52:24" rather than "167:52:24". window.lmsClock
// formats seconds (quiz.js and live_board.js use it); every [data-countdown-to] element counts
// down to its moment by the server's clock (data-server-time), and the page reloads once at zero
// so that what it offers follows the competition's stage. Day words come from data-day-one /
// data-day-many, translated by the server with {n} for the number.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  window.lmsClock = function (seconds, words) {
    seconds = Math.max(0, Math.floor(Number(seconds) || 0));
    var days = Math.floor(seconds / 86400), rest = seconds % 86400;
    var h = Math.floor(rest / 3600), m = Math.floor((rest % 3600) / 60), s = rest % 60;
    if (days > 0) {
      var word = (days === 1 ? words.one : words.many) || "{n} d";
      return word.replace("{n}", days) + " " + pad(h) + ":" + pad(m) + ":" + pad(s);
    }
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
  };

  window.lmsDayWords = function (element) {
    return {
      one: element.getAttribute("data-day-one") || "",
      many: element.getAttribute("data-day-many") || ""
    };
  };

  Array.prototype.forEach.call(document.querySelectorAll("[data-countdown-to]"), function (element) {
    var target = Date.parse(element.getAttribute("data-countdown-to"));
    var offset = Date.parse(element.getAttribute("data-server-time")) - Date.now();
    var words = window.lmsDayWords(element);
    var text = element.querySelector("[data-countdown-text]") || element;
    var timer = null;
    function tick() {
      var left = Math.ceil((target - (Date.now() + offset)) / 1000);
      text.textContent = window.lmsClock(left, words);
      if (left <= 0) {
        window.clearInterval(timer);
        if (element.hasAttribute("data-reload-at-zero")) { window.setTimeout(function () { window.location.reload(); }, 1500); }
      }
    }
    tick();
    timer = window.setInterval(tick, 1000);
  });
})();
