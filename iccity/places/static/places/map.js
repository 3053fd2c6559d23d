/* Map of business districts and venues: Tianjin's district boundaries (local static GeoJSON from a maintained data
   package) with Xiqing highlighted, and the places that have coordinates. Without the boundary file the points are
   still drawn on plain longitude/latitude axes. No request leaves the platform unless a tile server is configured. */
(function () {
  "use strict";
  function scatter(points, coordinateSystem) {
    return {
      name: "场所", type: "effectScatter", coordinateSystem: coordinateSystem, data: points,
      symbolSize: 10, rippleEffect: { scale: 3 }, itemStyle: { color: "#b3261e" },
      label: { show: true, formatter: "{b}", position: "right", fontSize: 12 },
      // names are data (possibly hostile): the tooltip is built as DOM text nodes, never as an HTML string
      tooltip: { formatter: function (p) {
        return window.iccitySafe.lines([p.name, p.data.kind + (p.data.district ? "（" + p.data.district + "）" : "")]);
      } }
    };
  }
  function plain(chart, data) {
    chart.setOption({
      animation: false, tooltip: {},
      xAxis: { type: "value", scale: true, name: "经度" }, yAxis: { type: "value", scale: true, name: "纬度" },
      series: [scatter(data.points, "cartesian2d")]
    });
  }
  function withBoundary(chart, data, geojson) {
    echarts.registerMap("tianjin", geojson);
    // Centre on the focus district's bounding box (its label point sits near one edge).
    var focus = null, box = [180, 90, -180, -90];
    function visit(c) {
      if (typeof c[0] === "number") {
        box = [Math.min(box[0], c[0]), Math.min(box[1], c[1]), Math.max(box[2], c[0]), Math.max(box[3], c[1])];
      } else { c.forEach(visit); }
    }
    geojson.features.forEach(function (f) {
      if (f.properties && f.properties.name === data.focus && f.geometry) { visit(f.geometry.coordinates); focus = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]; }
    });
    var tiles = data.tiles && window.iccityTiles ? data.tiles : null;
    chart.setOption({
      animation: false, tooltip: {},
      geo: {
        map: "tianjin", roam: true,
        // with a projection, ECharts takes the centre in projected coordinates
        center: focus ? (tiles ? window.iccityTiles.projection.project(focus) : focus) : undefined, zoom: focus ? 2.5 : 1,
        projection: tiles ? window.iccityTiles.projection : undefined,
        label: { show: true, fontSize: 11, color: "#555" },
        itemStyle: { areaColor: tiles ? "rgba(244,241,234,0.15)" : "#f4f1ea", borderColor: "#999" },
        regions: [{ name: data.focus, itemStyle: { areaColor: "#fde7d9", borderColor: "#b3261e", borderWidth: 2 } }],
        emphasis: { itemStyle: { areaColor: "#fbd3bd" } }
      },
      series: [scatter(data.points, "geo")]
    });
    if (tiles) window.iccityTiles.attach(chart, tiles);
  }
  function render(el) {
    var source = document.getElementById(el.dataset.mapSource);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    if (!data.boundaryUrl) { plain(chart, data); el.dataset.state = "points-only"; return; }
    fetch(data.boundaryUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (geojson) { withBoundary(chart, data, geojson); el.dataset.state = "boundary"; })
      .catch(function () {
        var note = document.createElement("p");
        note.className = "message message-warning";
        note.textContent = "行政区划边界数据加载失败，下图仅按经纬度画出有坐标的场所。";
        el.parentNode.insertBefore(note, el);
        plain(chart, data); el.dataset.state = "points-only";
      });
  }
  function init() { document.querySelectorAll("[data-map-source]").forEach(render); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
