// Draws the bar charts whose data a page put in a canvas's data-chart attribute (no inline JS).
(function () {
  "use strict";
  function draw() {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = JSON.parse(canvas.getAttribute("data-chart"));
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (s) {
            return { label: s.label, data: s.data, backgroundColor: s.color, maxBarThickness: 28 };
          })
        },
        options: {
          indexAxis: "y",
          responsive: true,
          animation: false,
          scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
