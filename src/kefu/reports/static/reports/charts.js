// Draws every [data-chart] element with Apache ECharts (static/vendor/echarts, fetched from the
// npm registry by `make install`; no CDN). The option is the JSON of the element named by
// data-chart (json_script). Inline scripts and style attributes are forbidden by the CSP, so the
// height is set here through the CSSOM.
(function () {
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || el.dataset.drawn) return;
      el.style.height = (el.dataset.height || 240) + "px";
      el.style.width = "100%";
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  // parts loaded after the page (the home page's cockpit) carry charts too
  document.addEventListener("htmx:afterSettle", draw);
})();
