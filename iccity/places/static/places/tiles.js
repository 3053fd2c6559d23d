/* Optional background tiles for the places map (only when ICCITY_MAP_TILE_URL is set, e.g. 天地图 with a key).
   The geo component is given a Web Mercator projection so square XYZ tiles line up; each visible tile is drawn as an
   ECharts image element behind the boundaries and redrawn after every pan or zoom. Tiles in WGS-84 (天地图) are
   placed over GCJ-02 boundaries by shifting each tile corner with the same offset the server applies to points. */
(function () {
  "use strict";
  var R2D = 180 / Math.PI, D2R = Math.PI / 180;
  function mercY(lat) { return Math.log(Math.tan(Math.PI / 4 + lat * D2R / 2)) * R2D; }
  function invMercY(y) { return (2 * Math.atan(Math.exp(y * D2R)) - Math.PI / 2) * R2D; }
  var projection = {
    project: function (p) { return [p[0], -mercY(p[1])]; },
    unproject: function (p) { return [p[0], invMercY(-p[1])]; }
  };
  // WGS-84 → GCJ-02, the same public algorithm as places/geo.py
  var A = 6378245.0, EE = 0.00669342162296594323;
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  }
  function wgsToGcj(lon, lat) {
    var dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35), rad = lat * D2R;
    var magic = 1 - EE * Math.sin(rad) * Math.sin(rad), s = Math.sqrt(magic);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * s) * Math.PI);
    dLon = (dLon * 180) / (A / s * Math.cos(rad) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  function tileLon(x, z) { return x / Math.pow(2, z) * 360 - 180; }
  function tileLat(y, z) { var n = Math.PI - 2 * Math.PI * y / Math.pow(2, z); return R2D * Math.atan(Math.sinh(n)); }
  function lonToX(lon, z) { return Math.floor((lon + 180) / 360 * Math.pow(2, z)); }
  function latToY(lat, z) {
    var r = lat * D2R;
    return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * Math.pow(2, z));
  }

  // The view is linear in (longitude, Mercator y); convertFromPixel's output with a custom projection differs between
  // ECharts versions, so invert convertToPixel from two reference points instead.
  function pixelToLonLat(chart) {
    var a = [117, 39], b = [118, 40];
    var pa = chart.convertToPixel({ geoIndex: 0 }, a), pb = chart.convertToPixel({ geoIndex: 0 }, b);
    if (!pa || !pb) return null;
    var kx = (pb[0] - pa[0]) / (b[0] - a[0]), ky = (pb[1] - pa[1]) / (mercY(b[1]) - mercY(a[1]));
    return function (px) {
      return [a[0] + (px[0] - pa[0]) / kx, invMercY(mercY(a[1]) + (px[1] - pa[1]) / ky)];
    };
  }

  function draw(chart, tiles) {
    var w = chart.getWidth(), h = chart.getHeight();
    var toLonLat = pixelToLonLat(chart);
    if (!toLonLat) return;
    var nw = toLonLat([0, 0]), se = toLonLat([w, h]);
    var pxPerDeg = w / Math.abs(se[0] - nw[0]);
    var z = Math.max(1, Math.min(18, Math.round(Math.log(360 * pxPerDeg / 256) / Math.LN2)));
    var shift = tiles.crs === "wgs84" && tiles.boundaryCrs === "gcj02";
    var x0 = lonToX(nw[0], z) - 1, x1 = lonToX(se[0], z) + 1, y0 = latToY(nw[1], z) - 1, y1 = latToY(se[1], z) + 1;
    var elements = [];
    for (var x = x0; x <= x1 && elements.length < 200; x++) {
      for (var y = y0; y <= y1 && elements.length < 200; y++) {
        var a = [tileLon(x, z), tileLat(y, z)], b = [tileLon(x + 1, z), tileLat(y + 1, z)];
        if (shift) { a = wgsToGcj(a[0], a[1]); b = wgsToGcj(b[0], b[1]); }
        var pa = chart.convertToPixel({ geoIndex: 0 }, a), pb = chart.convertToPixel({ geoIndex: 0 }, b);
        var url = tiles.url.replace("{z}", z).replace("{x}", x).replace("{y}", y);
        elements.push({ type: "image", z: -10, silent: true,
          style: { image: url, x: pa[0], y: pa[1], width: pb[0] - pa[0], height: pb[1] - pa[1] } });
      }
    }
    chart.setOption({ graphic: { elements: elements } }, { replaceMerge: ["graphic"] });
  }

  window.iccityTiles = {
    projection: projection,
    attach: function (chart, tiles) {
      var pending = null;
      function redraw() { if (pending) clearTimeout(pending); pending = setTimeout(function () { draw(chart, tiles); }, 60); }
      chart.on("georoam", redraw);
      window.addEventListener("resize", redraw);
      draw(chart, tiles);
    }
  };
})();
