// The monthly trend of the dossier pages. The same figures are in the table below the chart,
// which screen readers and printers use; without JavaScript the table alone is shown.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("trend-data");
    var el = document.getElementById("chart-trend");
    if (!source || !el || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var c = window.echarts.init(el, null, { renderer: "svg" });
    c.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [el.dataset.onTime, el.dataset.online] },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: el.dataset.onTime, type: "line", data: data.on_time, color: "#198754" },
        { name: el.dataset.online, type: "line", data: data.online, color: "#0d6efd" }
      ]
    });
    window.addEventListener("resize", function () { c.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
