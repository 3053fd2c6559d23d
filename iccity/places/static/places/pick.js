/* The office's coordinate picker: Xiqing's boundary (local static GeoJSON), the places that already have coordinates,
   and a click that fills the form's longitude/latitude in WGS-84. The boundary data is GCJ-02, so the clicked point
   is shifted back (the exact inverse of the public GCJ-02 formula, by iteration). No HTML is built from strings. */
(function () {
  "use strict";
  var A = 6378245.0, EE = 0.00669342162296594323;
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function wgsToGcj(lon, lat) {
    var dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35);
    var radLat = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat), s = Math.sqrt(magic);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * s) * Math.PI);
    dLon = (dLon * 180) / (A / s * Math.cos(radLat) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  function gcjToWgs(lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 30; i++) {
      var g = wgsToGcj(w[0], w[1]), dx = lon - g[0], dy = lat - g[1];
      w = [w[0] + dx, w[1] + dy];
      if (Math.abs(dx) < 1e-10 && Math.abs(dy) < 1e-10) break;
    }
    return w;
  }
  function setStatus(text) {
    var status = document.getElementById("pick-status");
    if (status) status.textContent = text;
  }
  function series(points, picked) {
    return [
      { name: "已有坐标", type: "scatter", coordinateSystem: "geo", data: points, symbolSize: 8,
        itemStyle: { color: "#555" }, label: { show: true, formatter: "{b}", position: "right", fontSize: 11 } },
      { name: "所选位置", type: "scatter", coordinateSystem: "geo", data: picked ? [{ name: "所选位置", value: picked }] : [],
        symbol: "pin", symbolSize: 30, itemStyle: { color: "#b3261e" } }
    ];
  }
  function start(el, data, geojson) {
    echarts.registerMap("tianjin-pick", geojson);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    var box = [180, 90, -180, -90];
    function visit(c) {
      if (typeof c[0] === "number") {
        box = [Math.min(box[0], c[0]), Math.min(box[1], c[1]), Math.max(box[2], c[0]), Math.max(box[3], c[1])];
      } else { c.forEach(visit); }
    }
    geojson.features.forEach(function (f) {
      if (f.properties && f.properties.name === data.focus && f.geometry) visit(f.geometry.coordinates);
    });
    chart.setOption({
      animation: false,
      geo: { map: "tianjin-pick", roam: true, center: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2], zoom: 2.5,
             itemStyle: { areaColor: "#f4f1ea", borderColor: "#999" },
             regions: [{ name: data.focus, itemStyle: { areaColor: "#fde7d9", borderColor: "#b3261e", borderWidth: 2 } }] },
      series: series(data.points, null)
    });
    var lonInput = document.getElementById("id_longitude"), latInput = document.getElementById("id_latitude");
    chart.getZr().on("click", function (event) {
      var shown = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]);
      if (!shown) return;
      var wgs = data.boundaryCrs === "gcj02" ? gcjToWgs(shown[0], shown[1]) : shown;
      if (lonInput) lonInput.value = wgs[0].toFixed(6);
      if (latInput) latInput.value = wgs[1].toFixed(6);
      chart.setOption({ series: series(data.points, shown) });
      el.dataset.picked = wgs[0].toFixed(6) + "," + wgs[1].toFixed(6);
      setStatus("已选：经度 " + wgs[0].toFixed(6) + "，纬度 " + wgs[1].toFixed(6) + "（WGS-84）。请选择场所、填写来源后保存。");
    });
    el.dataset.state = "ready";
  }
  function init() {
    var el = document.querySelector("[data-pick-source]");
    if (!el || typeof echarts === "undefined") return;
    var data = JSON.parse(document.getElementById(el.dataset.pickSource).textContent);
    if (!data.boundaryUrl) {
      setStatus("未安装行政区划边界数据，无法在地图上点选；请直接填写经纬度。");
      el.hidden = true;
      return;
    }
    fetch(data.boundaryUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (geojson) { start(el, data, geojson); })
      .catch(function () { setStatus("行政区划边界数据加载失败，请直接填写经纬度。"); el.hidden = true; });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
