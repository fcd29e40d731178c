/* The bilan pages' bar charts, drawn with the State's chart components
 * (static/vendor/dsfr-chart/BarChart.js, the `<bar-chart>` web component).
 *
 * Each `[data-bilan-chart]` block holds the server's SVG bars: that is what a visitor without
 * JavaScript sees, next to the data table. With JavaScript, the block's SVG is replaced by a
 * `<bar-chart>` whose data come from the same section's table, never from an inline script
 * (the CSP forbids it): the row headers are the labels, the column whose `<th>` carries
 * `data-chart-value` gives the values (an empty or « — » cell counts as 0). The table and the
 * text summary stay: the chart only repeats them.
 */
(function () {
  "use strict";

  function number(cell) {
    var value = parseInt(cell.textContent.replace(/\s/g, ""), 10);
    return isNaN(value) ? 0 : value;
  }

  function draw(block) {
    var section = block.closest("section");
    var table = section && section.querySelector("table");
    var header = table && table.querySelector("thead th[data-chart-value]");
    if (!header || !table.tBodies.length) {
      return;
    }
    var column = header.cellIndex;
    var labels = [];
    var values = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      labels.push(row.cells[0].textContent.trim());
      values.push(number(row.cells[column]));
    });
    var chart = document.createElement("bar-chart");
    chart.setAttribute("x", JSON.stringify([labels]));
    chart.setAttribute("y", JSON.stringify([values]));
    chart.setAttribute("name", JSON.stringify([header.textContent.trim()]));
    chart.setAttribute("horizontal", "true");
    chart.setAttribute("selected-palette", "default");
    block.replaceChildren(chart);
    block.classList.add("bilan-chart--drawn");
  }

  function start() {
    document.querySelectorAll("[data-bilan-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
