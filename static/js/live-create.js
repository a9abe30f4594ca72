// The create form shows only what applies: the quiz or the bank's category and count, and the
// team settings in team mode (the names when the host names the teams). Without this script
// every field shows, and the server ignores what does not apply.
(function () {
  "use strict";
  var form = document.querySelector("form.live-create");
  if (!form) { return; }
  var parts = Array.prototype.slice.call(form.querySelectorAll("[data-when]"));

  function value(name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var field = form.querySelector('select[name="' + name + '"], input[name="' + name + '"]:not([type="radio"])');
    return field ? field.value : "";
  }

  function update() {
    parts.forEach(function (part) {
      part.hidden = !part.getAttribute("data-when").split(" ").every(function (test) {
        var pair = test.split("=");
        return value(pair[0]) === pair[1];
      });
    });
  }

  form.addEventListener("change", update);
  update();
})();
