// The scorecard's two charts, drawn from the JSON data block the page renders
// with json_script (id "chart-data"): no inline script, so a strict CSP holds.
// The ranking table carries the same figures; series differ by pattern
// (solid vs dashed border) as well as colour.
(function () {
  var node = document.getElementById("chart-data");
  if (!node || !window.Chart) return;
  var data = JSON.parse(node.textContent);
  var IT = { fill: "rgba(31,58,95,.85)", line: "#1f3a5f" };
  var MARKETING = { fill: "rgba(228,87,46,.35)", line: "#e4572e" };

  function series(label, values, colour, dashed) {
    return {
      label: label, data: values, backgroundColor: colour.fill, borderColor: colour.line,
      borderWidth: dashed ? 2 : 1, borderDash: dashed ? [4, 3] : []
    };
  }

  function options() {
    return {
      responsive: true,
      scales: { y: { beginAtZero: true, max: data.max, title: { display: true, text: "points (max " + data.max + ")" } } },
      plugins: { legend: { position: "bottom" }, tooltip: { mode: "index", intersect: false } }
    };
  }

  var totals = document.getElementById("totals-chart");
  if (totals) {
    new Chart(totals, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [series("IT total", data.it, IT, false), series("Marketing total", data.marketing, MARKETING, true)]
      },
      options: options()
    });
  }

  // Each side's view per priority group: IT priorities and Marketing priorities
  // as IT-side raters scored them (solid) and as Marketing-side raters did (dashed).
  var sides = document.getElementById("sides-chart");
  if (sides) {
    new Chart(sides, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          series("IT priorities, by IT raters", data.it_by_it, IT, false),
          series("IT priorities, by Marketing raters", data.it_by_marketing, IT, true),
          series("Marketing priorities, by IT raters", data.marketing_by_it, MARKETING, false),
          series("Marketing priorities, by Marketing raters", data.marketing_by_marketing, MARKETING, true)
        ]
      },
      options: options()
    });
  }
})();
