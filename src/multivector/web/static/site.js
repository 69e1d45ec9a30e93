// Draws every chart of the page from the Vega-Lite specs embedded in it (vega-embed, served
// locally from /assets/vega.js); the export menu saves each chart as SVG or PNG.
(function () {
  var specs = JSON.parse(document.getElementById("vega-specs").textContent || "{}");
  var options = {renderer: "svg", actions: {export: true, source: false, compiled: false,
                                            editor: false}};
  var ids = Object.keys(specs);
  var jobs = ids.map(function (id) {
    if (!document.getElementById(id)) { return Promise.resolve(false); }
    return vegaEmbed("#" + id, specs[id], options).then(function () { return true; })
      .catch(function (err) {
        var el = document.getElementById(id);
        if (el) { el.textContent = "This chart could not be drawn (" + err + ")."; }
        return false;
      });
  });
  Promise.all(jobs).then(function (ok) {
    var n = ok.filter(function (x) { return x; }).length;
    document.body.setAttribute("data-charts-expected", String(ids.length));
    document.body.setAttribute("data-charts-rendered", String(n));
  });
})();
