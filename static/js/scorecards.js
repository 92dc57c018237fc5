// IT total against Marketing total per candidate. The ranking table carries
// the same figures; the two series differ by pattern (solid vs hatched border) too.
(function () {
  var node = document.getElementById("chart-data");
  var canvas = document.getElementById("totals-chart");
  if (!node || !canvas || !window.Chart) return;
  var data = JSON.parse(node.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "IT total", data: data.it, backgroundColor: "rgba(31,58,95,.85)", borderColor: "#1f3a5f", borderWidth: 1 },
        { label: "Marketing total", data: data.marketing, backgroundColor: "rgba(228,87,46,.35)", borderColor: "#e4572e", borderWidth: 2, borderDash: [4, 3] }
      ]
    },
    options: {
      responsive: true,
      scales: { y: { beginAtZero: true, max: data.max, title: { display: true, text: "points (max " + data.max + ")" } } },
      plugins: { legend: { position: "bottom" }, tooltip: { mode: "index", intersect: false } }
    }
  });
})();
