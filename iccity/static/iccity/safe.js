/* The one way page scripts put data into HTML: DOM nodes filled with textContent, never innerHTML or strings
   concatenated with markup (a place or unit name may be hostile). ECharts tooltip formatters return iccitySafe.lines(…),
   which ECharts accepts as an HTMLElement; iccitySafe.escape is for the rare API that insists on a string. */
(function () {
  "use strict";
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escape(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }
  function lines(parts) {
    var box = document.createElement("div");
    parts.forEach(function (text) {
      if (text == null || text === "") return;
      var line = document.createElement("div");
      line.textContent = String(text);
      box.appendChild(line);
    });
    return box;
  }
  window.iccitySafe = { escape: escape, lines: lines };
})();
