// Charts are described by the server (ECharts options in a JSON script tag); CSP allows no inline script.
(function () {
  var data = document.getElementById("dashboard-charts");
  if (!data || !window.echarts) return;
  var charts = JSON.parse(data.textContent);
  var instances = charts.map(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return null;
    var chart = echarts.init(el);
    c.option.color = ["#1f3a5f", "#c8102e", "#f0ad4e", "#198754", "#6f42c1", "#0dcaf0", "#6c757d", "#fd7e14"];
    chart.setOption(c.option);
    return chart;
  });
  window.addEventListener("resize", function () {
    instances.forEach(function (c) { if (c) c.resize(); });
  });
})();
