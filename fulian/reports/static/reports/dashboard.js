// The dashboard's charts: each <div data-chart="KEY"> is drawn from the JSON in
// <script id="chart-KEY" type="application/json">; the table beside it shows the same figures.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var palette = ["#b3243a", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#5e548e",
    "#2a9d8f", "#e9c46a", "#8d99ae", "#bc6c25"];
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (holder) {
    var source = document.getElementById("chart-" + holder.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder);
    var option = { color: palette, tooltip: { trigger: data.kind === "pie" ? "item" : "axis" } };
    if (data.kind === "pie") {
      option.legend = { type: "scroll", bottom: 0 };
      option.series = [{
        type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30,
        label: { formatter: "{b}\n{c}" },
        data: data.labels.map(function (label, i) {
          return { name: label, value: data.series[0].values[i] };
        })
      }];
    } else {
      option.legend = { type: "scroll", bottom: 0 };
      option.grid = { left: 8, right: 8, top: 16, bottom: 40, containLabel: true };
      option.xAxis = { type: "category", data: data.labels };
      if (data.kind === "bar_line") {
        option.yAxis = [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1 }];
        option.series = data.series.map(function (s, i) {
          return { name: s.name, type: i === 0 ? "bar" : "line", yAxisIndex: i, data: s.values };
        });
      } else {
        option.yAxis = { type: "value", minInterval: 1 };
        option.series = data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: data.kind === "stack" ? "all" : undefined,
            data: s.values };
        });
      }
    }
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
