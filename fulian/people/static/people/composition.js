// The congress composition chart: one pie per dimension, data from #composition-data.
(function () {
  "use strict";
  var holder = document.getElementById("composition-chart");
  var source = document.getElementById("composition-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var tables = JSON.parse(source.textContent);
  var narrow = holder.clientWidth < 600;
  var columns = narrow ? 2 : tables.length;
  var rows = Math.ceil(tables.length / columns);
  holder.classList.add(narrow ? "chart-tall" : "chart");
  var series = tables.map(function (t, i) {
    var col = i % columns, row = Math.floor(i / columns);
    return {
      type: "pie", name: t.label, radius: ["25%", "40%"],
      center: [((col + 0.5) * 100 / columns) + "%", ((row + 0.55) * 100 / rows) + "%"],
      label: { show: false }, data: t.rows,
      title: t.label
    };
  });
  var titles = tables.map(function (t, i) {
    var col = i % columns, row = Math.floor(i / columns);
    return { text: t.label, left: ((col + 0.5) * 100 / columns) + "%", top: (row * 100 / rows) + "%", textAlign: "center", textStyle: { fontSize: 12 } };
  });
  var chart = echarts.init(holder);
  chart.setOption({ title: titles, tooltip: { trigger: "item", formatter: "{a}<br>{b}: {c} ({d}%)" }, series: series });
  window.addEventListener("resize", function () { chart.resize(); });
  // Show only the categories of the chosen dimension in the target form.
  var dim = document.getElementById("t-dimension"), cat = document.getElementById("t-category");
  if (dim && cat) {
    var sync = function () {
      var first = null;
      Array.prototype.forEach.call(cat.options, function (o) {
        var match = o.dataset.dimension === dim.value;
        o.hidden = !match; o.disabled = !match;
        if (match && first === null) { first = o; }
      });
      if (first && cat.selectedOptions[0] && cat.selectedOptions[0].disabled) { cat.value = first.value; }
    };
    dim.addEventListener("change", sync); sync();
  }
}());
