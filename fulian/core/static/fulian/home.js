// The home page's chart of organisations by kind, from #org-kind-data.
(function () {
  "use strict";
  var holder = document.getElementById("org-kind-chart");
  var source = document.getElementById("org-kind-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {},
    grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.labels, inverse: true },
    series: [{ type: "bar", data: data.values, itemStyle: { color: "#b3243a" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
