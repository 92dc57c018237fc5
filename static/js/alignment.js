// An alignment round's radar (each side's view per dimension) and trend charts.
// The figures come from the page (json_script "alignment-data"), so the
// Content-Security-Policy needs no inline script; both charts are readable
// without colour (dashes and point shapes) and carry their figures in tables.
(function () {
  const data = JSON.parse(document.getElementById("alignment-data").textContent);
  const marketing = {borderColor: "#c2410c", backgroundColor: "rgba(194,65,12,.12)", borderDash: [6, 4], pointStyle: "triangle", pointRadius: 6};
  const it = {borderColor: "#1d4ed8", backgroundColor: "rgba(29,78,216,.12)", pointStyle: "rect", pointRadius: 5};
  // Long dimension names wrap onto two or three lines around the radar.
  const wrap = (name) => name.split(" ").reduce((lines, word) => {
    const last = lines[lines.length - 1];
    if (last && (last + " " + word).length <= 16) lines[lines.length - 1] = last + " " + word; else lines.push(word);
    return lines;
  }, []);
  const radar = document.getElementById("radar-chart");
  if (radar) {
    new Chart(radar, {
      type: "radar",
      data: {labels: data.labels.map(wrap), datasets: [
        Object.assign({label: "Marketing side (dashed, triangles)", data: data.marketing}, marketing),
        Object.assign({label: "IT side (solid, squares)", data: data.it}, it),
      ]},
      options: {scales: {r: {min: 0, max: 5, ticks: {stepSize: 1}, pointLabels: {font: {size: 11}}}}, plugins: {legend: {labels: {usePointStyle: true}}}},
    });
  }
  const trend = document.getElementById("trend-chart");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: {labels: data.trend.labels, datasets: [
        {label: "Overall (solid, circles)", data: data.trend.overall, borderColor: "#1f3a5f", pointStyle: "circle", pointRadius: 5, spanGaps: true},
        Object.assign({label: "Marketing side (dashed, triangles)", data: data.trend.marketing, spanGaps: true}, marketing),
        Object.assign({label: "IT side (dotted, squares)", data: data.trend.it, spanGaps: true, borderDash: [2, 3]}, it, {borderDash: [2, 3]}),
      ]},
      options: {maintainAspectRatio: false, scales: {y: {min: 1, max: 5, ticks: {stepSize: 1}}}, plugins: {legend: {labels: {usePointStyle: true}}}},
    });
  }
})();
