/* Command screen charts. Data comes from the json_script element; each panel keeps its table as the no-JS fallback. */
(function () {
  "use strict";
  var TEXT = "#e3ecf7", AXIS = "#23456b";
  function stacked(names, series, horizontal) {
    var cat = { type: "category", data: names, axisLabel: { color: TEXT, fontSize: 11, interval: 0, width: 110, overflow: "truncate" }, axisLine: { lineStyle: { color: AXIS } } };
    var val = { type: "value", minInterval: 1, axisLabel: { color: TEXT }, splitLine: { lineStyle: { color: AXIS } } };
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, textStyle: { color: TEXT } },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: series.map(function (s) { return { name: s.name, type: "bar", stack: "n", data: s.data, itemStyle: { color: s.color } }; })
    };
  }
  function option(kind, data) {
    if (kind === "trend") {
      return {
        animation: false, tooltip: { trigger: "axis" },
        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.trend.months, axisLabel: { color: TEXT } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { color: TEXT }, splitLine: { lineStyle: { color: AXIS } } },
        series: [{ name: data.trend.label, type: "line", data: data.trend.counts, areaStyle: { opacity: 0.2 }, itemStyle: { color: "#ef5350" } }]
      };
    }
    var d = data[kind];
    return stacked(d.names, d.series, true);
  }
  function fullscreenButton() {
    var button = document.getElementById("fullscreen");
    if (!button || !document.documentElement.requestFullscreen) return;
    button.hidden = false;
    button.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
  }
  var charts = [];
  function draw() {
    // the data region is replaced every minute by htmx: drop the old charts, draw the new data
    charts.forEach(function (chart) { chart.dispose(); });
    charts = [];
    var source = document.getElementById("command-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.dataset.chart;
      var names = kind === "trend" ? data.trend.months : data[kind].names;
      if (!names.length) { el.hidden = true; return; }
      if (kind !== "trend") el.style.height = Math.max(220, names.length * 30 + 70) + "px";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(kind, data));
      charts.push(chart);
      var table = el.parentNode.querySelector("details.chart-table");
      if (table) table.open = false;
    });
  }
  function init() {
    fullscreenButton();
    draw();
    window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
    document.body.addEventListener("htmx:afterSettle", draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
