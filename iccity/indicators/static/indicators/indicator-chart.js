/* Indicator chart: the series, target lines (markLine), dashed expected trajectories and series breaks.
   Data comes from a json_script element built in Python; the table under the chart is the no-JS fallback.
   htmx swaps the panel when a switch changes, so charts are (re)drawn after every swap. */
(function () {
  "use strict";
  var COLORS = ["#1d4e89", "#b3261e", "#1e7a3c", "#8a5a00", "#5b3a99"];

  function option(data) {
    var series = [{
      name: data.labels.value, type: data.kind, data: data.values, connectNulls: true,
      symbolSize: 7, barMaxWidth: 36, itemStyle: { color: COLORS[0] }, lineStyle: { width: 2.5 },
      markLine: {
        symbol: "none", silent: true,
        data: data.targets.map(function (t) {
          return { name: t.label, yAxis: t.value, lineStyle: { color: COLORS[1], type: "solid", width: 2 },
                   label: { formatter: t.label, position: "insideEndTop", color: COLORS[1] } };
        }).concat(data.breaks.map(function (p) {
          return { name: data.labels["break"], xAxis: p, lineStyle: { color: COLORS[3], type: "dotted", width: 2 },
                   label: { formatter: data.labels["break"], position: "end", color: COLORS[3] } };
        }))
      }
    }];
    data.trajectories.forEach(function (t, i) {
      series.push({ name: t.name, type: "line", data: t.data, connectNulls: true, symbol: "emptyCircle",
                    lineStyle: { type: "dashed", width: 2, color: COLORS[2 + (i % 3)] },
                    itemStyle: { color: COLORS[2 + (i % 3)] } });
    });
    // Keep every target inside the visible range even when the values are far below it (rounded to a nice step).
    var top = Math.max.apply(null, data.targets.map(function (t) { return t.value; }).concat([-Infinity]));
    function niceMax(v) {
      if (!isFinite(top) || top <= v.max) return null;
      var step = Math.pow(10, Math.floor(Math.log10(top))) / 2;
      return Math.ceil(top * 1.05 / step) * step;
    }
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories, boundaryGap: data.kind === "bar" },
      yAxis: { type: "value", name: data.unit, scale: data.kind !== "bar", max: niceMax },
      series: series
    };
  }

  function render(el) {
    var source = document.getElementById(el.dataset.indicatorChart);
    if (!source || typeof echarts === "undefined") return;
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(JSON.parse(source.textContent)));
    el.dataset.ready = "1";
  }

  function init(root) { (root || document).querySelectorAll("[data-indicator-chart]").forEach(render); }

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-indicator-chart]").forEach(function (el) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
  // outerHTML swaps replace the event target, so redraw every chart on the page (there are few).
  document.addEventListener("htmx:afterSettle", function () { init(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
