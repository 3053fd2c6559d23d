/* Small screens (issue 15): each cell of a `table.responsive` gets its column header as data-label, which the CSS
   shows before the value when rows become cards under 600px. Text only (setAttribute), never markup. */
(function () {
  "use strict";
  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th, thead tr:last-child td");
    if (!heads.length) return;
    var names = [];
    heads.forEach(function (th) {
      var span = parseInt(th.getAttribute("colspan") || "1", 10);
      for (var i = 0; i < span; i++) names.push(th.textContent.trim());
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var col = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var span = parseInt(cell.getAttribute("colspan") || "1", 10), name = names[col];
        // a cell spanning several columns ("暂无…") belongs to none of them
        if (span === 1 && name && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", name);
        col += span;
      });
    });
  }
  function init(root) { (root || document).querySelectorAll("table.responsive").forEach(label); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
  // tables swapped in by htmx (filters, paging) get their labels too
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
