/* Composite index edition: effective weights (horizontal bars) and scores by dimension per unit (grouped bars).
   Data from a json_script element built in Python; the tables next to the charts are the no-JS view. */
(function () {
  "use strict";
  var COLORS = ["#1d4e89", "#b3261e", "#1e7a3c", "#8a5a00", "#5b3a99", "#0f7f8a", "#6b8fb5"];

  function weights(d) {
    return {
      animation: false, color: COLORS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.labels, inverse: true, axisLabel: { fontSize: 12 } },
      series: [{ name: d.title, type: "bar", data: d.values, barMaxWidth: 22 }]
    };
  }

  function results(d) {
    var series = d.dimensions.map(function (dim) { return { name: dim.name, type: "bar", data: dim.values }; });
    series.push({ name: d.overall.name, type: "line", data: d.overall.values, symbolSize: 8,
                  lineStyle: { width: 0 }, itemStyle: { color: "#1f2328" } });
    return {
      animation: false, color: COLORS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.units, axisLabel: { interval: 0, rotate: d.units.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series
    };
  }

  var BUILD = { weights: weights, results: results };

  function render(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent)[el.dataset.indexChart];
    if (el.dataset.indexChart === "weights") el.style.height = Math.max(200, data.labels.length * 26 + 40) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(BUILD[el.dataset.indexChart](data));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() { document.querySelectorAll("[data-index-chart]").forEach(render); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
