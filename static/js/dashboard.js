// The portfolio's stage chart: active projects by current step, stacked by
// whether that step has an accountable owner. The "no owner" series is
// hatched as well as red, and every bar carries its number, so the chart reads
// without colour and in print; the same figures are in the table beside it.
(function () {
  var node = document.getElementById("stage-data");
  var canvas = document.getElementById("stage-chart");
  if (!node || !canvas || !window.Chart) return;
  var data = JSON.parse(node.textContent);

  function hatch(colour) {
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(0, 8); ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
    ctx.moveTo(6, 10); ctx.lineTo(10, 6);
    ctx.stroke();
    return canvas.getContext("2d").createPattern(tile, "repeat");
  }

  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = "600 12px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      chart.data.datasets.forEach(function (dataset, i) {
        chart.getDatasetMeta(i).data.forEach(function (bar, j) {
          var value = dataset.data[j];
          if (!value) return;
          var box = bar.getProps(["x", "y", "base"], true);
          ctx.fillStyle = i === 0 ? "#fff" : "#6a1a22";
          if (i === 1) {
            ctx.fillStyle = "#fff";
            ctx.fillRect(box.x - 9, (box.y + box.base) / 2 - 8, 18, 16);
            ctx.fillStyle = "#6a1a22";
          }
          ctx.fillText(String(value), box.x, (box.y + box.base) / 2);
        });
      });
      ctx.restore();
    }
  };

  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels.map(function (label) { return label.length > 18 ? label.slice(0, 17) + "…" : label; }),
      datasets: [
        { label: "Current step has an accountable owner", data: data.owned, backgroundColor: "#1f3a5f", borderColor: "#1f3a5f", borderWidth: 1 },
        { label: "Current step has no accountable owner", data: data.unowned, backgroundColor: hatch("#b02a37"), borderColor: "#b02a37", borderWidth: 2 }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, ticks: { autoSkip: false, maxRotation: 40, minRotation: 0 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "projects" } }
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { title: function (items) { return data.labels[items[0].dataIndex]; } } }
      }
    },
    plugins: [valueLabels]
  });
})();
