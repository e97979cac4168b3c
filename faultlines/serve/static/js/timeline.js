/* The timeline: incidents per period as stacked SVG bars, one colour per event type; bars link to the list. */
"use strict";

(function () {
  var NS = "http://www.w3.org/2000/svg";
  var form = document.getElementById("filters");
  var node = document.getElementById("timeline");
  var params = new URLSearchParams(window.location.search);
  var bucketSelect = form ? form.querySelector("select[name=bucket]") : null;
  if (bucketSelect && params.get("bucket")) { bucketSelect.value = params.get("bucket"); }

  function svg(tag, attrs) {
    var n = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    return n;
  }

  function periodRange(period, bucket) {
    if (bucket === "year") { return [period + "-01-01", period + "-12-31"]; }
    if (bucket === "month") {
      var parts = period.split("-");
      var last = new Date(Date.UTC(+parts[0], +parts[1], 0)).getUTCDate();
      return [period + "-01", period + "-" + String(last).padStart(2, "0")];
    }
    return [period, period];
  }

  function allPeriods(first, last, bucket) {
    var out = [];
    if (bucket === "month") {
      var y = +first.slice(0, 4), m = +first.slice(5, 7);
      var ly = +last.slice(0, 4), lm = +last.slice(5, 7);
      while ((y < ly || (y === ly && m <= lm)) && out.length < 1200) {
        out.push(y + "-" + String(m).padStart(2, "0"));
        m += 1; if (m > 12) { m = 1; y += 1; }
      }
      return out;
    }
    if (bucket === "year") {
      for (var yy = +first; yy <= +last && out.length < 500; yy++) { out.push(String(yy)); }
      return out;
    }
    return null;
  }

  function draw(data) {
    var bucket = data.bucket, items = data.items || [];
    node.textContent = "";
    document.getElementById("timeline-legend").textContent = "";
    if (!items.length) { FL.status("timeline-status", "No dated incidents match."); return; }
    var types = [], byPeriod = {};
    items.forEach(function (it) {
      if (types.indexOf(it.event_type) < 0) { types.push(it.event_type); }
      (byPeriod[it.period] = byPeriod[it.period] || {})[it.event_type] = it.count;
    });
    types.sort();
    var periods = Object.keys(byPeriod).sort();
    periods = allPeriods(periods[0], periods[periods.length - 1], bucket) || periods;
    var max = 1;
    periods.forEach(function (p) {
      var t = 0; types.forEach(function (ty) { t += (byPeriod[p] || {})[ty] || 0; }); max = Math.max(max, t);
    });
    var width = Math.max((node.clientWidth || 900) - 20, 300), height = 320, left = 40, bottom = 60, top = 10;
    var band = (width - left - 10) / periods.length;
    var chart = svg("svg", { width: width, height: height, role: "img", "aria-label": "Incidents per " + bucket });
    for (var g = 0; g <= 4; g++) {
      var v = Math.round(max * g / 4), yv = top + (height - top - bottom) * (1 - v / max);
      chart.appendChild(svg("line", { x1: left, x2: width - 10, y1: yv, y2: yv, "class": "grid" }));
      var lab = svg("text", { x: left - 6, y: yv + 4, "text-anchor": "end", "class": "axis" });
      lab.textContent = String(v); chart.appendChild(lab);
    }
    var every = Math.max(1, Math.ceil(periods.length / 24));
    periods.forEach(function (p, i) {
      var x = left + i * band, y = height - bottom;
      types.forEach(function (ty) {
        var n = (byPeriod[p] || {})[ty] || 0;
        if (!n) { return; }
        var h = (height - top - bottom) * n / max;
        y -= h;
        var range = periodRange(p, bucket);
        var q = FL.formQuery(form, { date_from: range[0], date_to: range[1], event_type: ty });
        q = new URLSearchParams(q); q.delete("bucket");
        var link = svg("a", { href: "/incidents?" + q.toString() });
        var rect = svg("rect", { x: x + 1, y: y, width: Math.max(1, band - 2), height: h, fill: FL.colorFor(ty, types),
                                 "class": "bar" });
        var title = svg("title", {}); title.textContent = p + " · " + ty + ": " + n;
        rect.appendChild(title); link.appendChild(rect); chart.appendChild(link);
      });
      if (i % every === 0) {
        var t = svg("text", { x: x + band / 2, y: height - bottom + 14, "text-anchor": "end", "class": "axis",
                              transform: "rotate(-45 " + (x + band / 2) + " " + (height - bottom + 14) + ")" });
        t.textContent = p; chart.appendChild(t);
      }
    });
    node.appendChild(chart);
    var legend = document.getElementById("timeline-legend");
    types.forEach(function (ty) {
      var item = FL.el("span", { "class": "legend-item" });
      var sw = FL.el("span", { "class": "swatch" });
      sw.style.backgroundColor = FL.colorFor(ty, types);
      item.appendChild(sw); item.appendChild(document.createTextNode(ty));
      legend.appendChild(item);
    });
    var total = items.reduce(function (a, it) { return a + it.count; }, 0);
    FL.status("timeline-status", total + " dated incident(s) in " + periods.length + " " + bucket + "(s). Click a bar to list them.");
  }

  FL.getJSON(node.getAttribute("data-source") + "?" + FL.formQuery(form)).then(draw).catch(function (err) {
    FL.status("timeline-status", "The timeline could not be loaded (" + err.message + ").");
  });
})();
