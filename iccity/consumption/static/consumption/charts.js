/* Consumption charts. Data comes from json_script elements; the tables next to them are the no-JS fallback. */
(function () {
  "use strict";
  function render(el) {
    var source = document.getElementById(el.dataset.chartData);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.labels || !data.labels.length) { el.hidden = true; return; }
    var kind = el.dataset.consumptionChart;
    el.style.height = "320px";
    var series;
    if (kind === "bar" || kind === "line") {
      series = [{ name: data.name, type: kind, data: data.values, smooth: kind === "line" }];
    } else {
      series = data.series.map(function (s) {
        return { name: s.name, type: kind === "stack" ? "bar" : "line", stack: kind === "stack" ? "s" : undefined,
                 data: s.values, connectNulls: false };
      });
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#b3261e", "#6b8fb5", "#4c9a6a", "#c28a2c", "#7a5aa6"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value" },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    var table = el.parentNode.querySelector("details.chart-table");
    if (table) table.open = false;
  }
  function init() { document.querySelectorAll("[data-consumption-chart]").forEach(render); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
