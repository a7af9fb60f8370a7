// Charts of the pages, drawn from the JSON data block the page carries (no inline script: the CSP
// allows none). A click on a bar opens the list behind it.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(el) {
    if (typeof echarts === "undefined") { return; }
    var d = data(el.dataset.source);
    if (!d) { return; }
    var chart = echarts.init(el);
    var kind = el.dataset.chart;
    var option;
    if (kind === "histogram") {
      option = { tooltip: {}, xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 30 } },
                 yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: d.counts }] };
    } else if (kind === "units") {
      option = { tooltip: {}, xAxis: { type: "category", data: d.units, axisLabel: { rotate: 30 } },
                 yAxis: { type: "value" }, series: [{ type: "bar", data: d.averages }] };
    } else if (kind === "line") {
      option = { tooltip: { trigger: "axis" }, xAxis: { type: "category", data: d.days },
                 yAxis: { type: "value" }, series: [{ type: "line", data: d.values, showSymbol: false }] };
    } else if (kind === "ledger") {
      var keys = ["earned", "paid", "outstanding_reserve", "outstanding_deferral", "clawed_back"];
      option = { tooltip: { trigger: "axis" }, legend: { data: d.names },
                 xAxis: { type: "category", data: d.dates }, yAxis: { type: "value" },
                 series: keys.map(function (k, i) {
                   return { name: d.names[i], type: "line", step: "end", data: d[k] };
                 }) };
    }
    if (!option) { return; }
    chart.setOption(option);
    if (el.dataset.link) {
      chart.on("click", function () { window.location.href = el.dataset.link; });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
