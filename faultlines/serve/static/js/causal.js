/* Causal map: concepts as nodes (sized by claims), claims as arrows (width by claims, colour by outlet), the quotes
   behind an arrow on click, each outlet's strongest chains side by side. Data: /api/causal-map. Text only. */
"use strict";

(function () {
  var form = document.getElementById("graph-filters");
  var graphNode = document.getElementById("graph");
  var quotes = document.getElementById("edge-quotes");
  var legend = document.getElementById("outlet-legend");
  var storiesNode = document.getElementById("stories");
  var source = "/api/causal-map";
  var params = new URLSearchParams(window.location.search);

  function restoreFilters() {
    if (!form) { return; }
    ["outlet", "actor", "min_weight"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (input && params.get(name)) { input.value = params.get(name); }
    });
  }

  function fillOptions(data) {
    if (!form) { return; }
    var outlet = form.querySelector("select[name=outlet]");
    var actor = form.querySelector("select[name=actor]");
    data.outlets.forEach(function (o) { outlet.appendChild(FL.el("option", { value: o }, o)); });
    data.actors.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (a) {
      actor.appendChild(FL.el("option", { value: a.id }, a.name));
    });
    restoreFilters();
  }
  restoreFilters();

  // rings of concepts, the most claimed in the middle; spaced by their labels
  var LAYOUT = { name: "concentric", animate: false, padding: 20, minNodeSpacing: 26, avoidOverlap: true,
                 spacingFactor: 1.4, concentric: function (n) { return n.data("claims"); },
                 levelWidth: function () { return 2; }, nodeDimensionsIncludeLabels: true };

  function swatch(color) {
    var node = FL.el("span", { "class": "swatch" });
    node.style.backgroundColor = color;  // through the CSSOM: the CSP forbids style attributes
    return node;
  }

  function showQuotes(edge, labels) {
    if (!quotes) { return; }
    quotes.textContent = "";
    quotes.appendChild(FL.el("p", { "class": "small" }, labels[edge.source] + " → " + labels[edge.target] +
      " · " + edge.outlet + " · " + edge.weight + " claim(s)"));
    edge.claims.forEach(function (c) {
      var q = FL.el("blockquote", { "class": "claim-quote" });
      q.appendChild(FL.el("div", {}, "“" + c.quote + "”"));
      q.appendChild(FL.el("div", { "class": "muted small" }, "cause: " + c.cause + " · effect: " + c.effect +
        (c.cue ? " · cue: " + c.cue : "") + (c.document ? " · " + c.document : "")));
      quotes.appendChild(q);
    });
  }

  function fillStories(data, colors) {
    if (!storiesNode) { return; }
    storiesNode.textContent = "";
    Object.keys(data.stories).sort().forEach(function (outlet) {
      var box = FL.el("div", { "class": "story" });
      var h = FL.el("h3");
      h.appendChild(swatch(colors(outlet)));
      h.appendChild(document.createTextNode(outlet));
      box.appendChild(h);
      var ol = FL.el("ol");
      data.stories[outlet].forEach(function (chain) {
        ol.appendChild(FL.el("li", {}, chain.labels.join(" → ") + " (" + chain.claims + ")"));
      });
      box.appendChild(ol);
      storiesNode.appendChild(box);
    });
    if (!Object.keys(data.stories).length) { storiesNode.appendChild(FL.el("p", { "class": "muted" }, "No claims.")); }
  }

  function draw(data) {
    fillOptions(data);
    var colors = function (outlet) { return FL.colorFor(outlet, data.outlets); };
    var labels = {};
    data.nodes.forEach(function (n) { labels[n.id] = n.label; });
    fillStories(data, colors);
    if (legend) {
      legend.textContent = "";
      data.outlets.forEach(function (o) {
        var li = FL.el("li");
        li.appendChild(swatch(colors(o)));
        li.appendChild(document.createTextNode(o));
        legend.appendChild(li);
      });
    }
    FL.status("graph-status", data.nodes.length + " concept(s), " + data.edges.length + " arrow(s).");
    if (!graphNode || !window.cytoscape || !data.nodes.length) { return; }
    var most = Math.max.apply(null, data.nodes.map(function (n) { return n.claims; }).concat([2]));
    var heaviest = Math.max.apply(null, data.edges.map(function (e) { return e.weight; }).concat([2]));
    var byId = {};
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ group: "nodes", data: { id: n.id, label: n.label, claims: n.claims } });
    });
    data.edges.forEach(function (e) {
      byId[e.id] = e;
      elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, weight: e.weight,
                                              color: colors(e.outlet) } });
    });
    var cy = cytoscape({
      container: graphNode,
      elements: elements,
      maxZoom: 2,
      minZoom: 0.2,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": "mapData(claims, 1, " + most + ", 11, 17)", "text-wrap": "wrap",
          "text-max-width": 130, "background-color": "#7e5109", "color": "#1c2833",
          "width": "mapData(claims, 1, " + most + ", 10, 46)", "height": "mapData(claims, 1, " + most + ", 10, 46)",
          "text-valign": "bottom", "text-margin-y": 2, "text-background-color": "#ffffff",
          "text-background-opacity": 0.75, "text-background-padding": 1 } },
        { selector: "edge", style: {
          "line-color": "data(color)", "target-arrow-color": "data(color)", "target-arrow-shape": "triangle",
          "curve-style": "bezier", "opacity": 0.8, "width": "mapData(weight, 1, " + heaviest + ", 1.5, 8)" } },
        { selector: "edge:selected", style: { "opacity": 1, "line-style": "dashed" } }
      ],
      layout: LAYOUT
    });
    // labels at a readable size on screen whatever zoom the fit needed
    var scale = Math.min(1 / Math.max(cy.zoom(), 0.05), 6);
    cy.nodes().forEach(function (n) {
      n.style({ "font-size": Math.round((10 + 6 * (n.data("claims") - 1) / Math.max(most - 1, 1)) * scale),
                "text-max-width": Math.round(120 * scale) });
    });
    cy.on("tap", "edge", function (evt) { showQuotes(byId[evt.target.id()], labels); });
    window.faultlinesCausalMap = cy;  // read by the browser test (label overlaps)
    graphNode.setAttribute("data-drawn", "1");
  }

  FL.getJSON(source + "?" + new URLSearchParams(window.location.search).toString()).then(draw).catch(function (err) {
    FL.status("graph-status", "The causal map could not be loaded (" + err.message + ").");
  });
})();
