/* Unit bar chart on the plan overview. Data comes from a json_script element; the table stays as the no-JS fallback. */
(function () {
  "use strict";
  function render(el) {
    var source = document.getElementById(el.dataset.chartSource);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.units.length) { el.hidden = true; return; }
    // Horizontal bars: long Chinese unit names stay readable on a phone.
    el.style.height = Math.max(240, data.units.length * 28 + 60) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#b3261e", "#6b8fb5"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: [data.labels.lead, data.labels.co], top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.units, inverse: true, axisLabel: { fontSize: 12 } },
      series: [
        { name: data.labels.lead, type: "bar", stack: "n", data: data.lead },
        { name: data.labels.co, type: "bar", stack: "n", data: data.co }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    // The chart now carries the information; keep the table one click away.
    var table = el.parentNode.querySelector("details.chart-table");
    if (table) table.open = false;
  }
  function init() { document.querySelectorAll("[data-chart-source]").forEach(render); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
