// The campaign page's two charts: activities by month and by child org.
(function () {
  "use strict";
  var source = document.getElementById("campaign-chart-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  function bar(id, labels, values, horizontal) {
    var node = document.getElementById(id);
    if (!node) {
      return;
    }
    var chart = window.echarts.init(node);
    var category = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      grid: { left: horizontal ? 120 : 40, right: 20, top: 20, bottom: horizontal ? 30 : 60 },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: values, itemStyle: { color: "#b3243a" }, label: { show: true, position: horizontal ? "right" : "top" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-month", data.months, data.byMonth, false);
  bar("chart-org", data.orgs, data.byOrg, true);
})();
