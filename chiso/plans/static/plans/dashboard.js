// Charts of the leaders' dashboard. The same figures are in the tables beside each chart, which
// screen readers and printers use; without JavaScript the tables alone are shown.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(Object.assign({ animation: false, tooltip: {} }, option));
      window.addEventListener("resize", function () { c.resize(); });
    }
    chart("chart-statuses", {
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.statuses,
        label: { formatter: "{b}: {c}" } }],
      color: ["#6c757d", "#0d6efd", "#198754", "#ffc107", "#dc3545"]
    });
    chart("chart-overdue", {
      grid: { left: 160, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.overdue.map(function (d) { return d.name; }) },
      series: [{ type: "bar", data: data.overdue.map(function (d) { return d.value; }), color: "#dc3545" }]
    });
    data.classes.forEach(function (block, i) {
      chart("chart-classes-" + i, {
        xAxis: { type: "category", data: block.data.map(function (d) { return d.name; }) },
        yAxis: { type: "value", minInterval: 1 },
        grid: { left: 30, right: 10, top: 10, bottom: 30 },
        series: [{ type: "bar", data: block.data.map(function (d) { return d.value; }), color: "#0d6efd" }]
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
