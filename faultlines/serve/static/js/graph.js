/* Network and causal-map views: cytoscape graphs over /api/network or /api/causal-map, with a text list below. */
"use strict";

(function () {
  var form = document.getElementById("graph-filters");
  var graphNode = document.getElementById("graph");
  var listNode = document.getElementById("graph-list");
  var kind = graphNode ? graphNode.getAttribute("data-kind") : (listNode ? "network" : "causal");
  var source = (graphNode || listNode).getAttribute("data-source");
  var params = new URLSearchParams(window.location.search);
  if (form) {
    ["relation", "min_weight"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (input && params.get(name)) { input.value = params.get(name); }
    });
  }

  function elements(data) {
    var out = [];
    data.nodes.forEach(function (n) { out.push({ group: "nodes", data: { id: n.id, label: n.label || n.id, type: n.type || "",
                                                 degree: n.degree || ((n["in"] || 0) + (n.out || 0)) || 1 } }); });
    data.edges.forEach(function (e) {
      out.push({ group: "edges", data: {
        id: e.id, source: e.source, target: e.target, weight: e.weight,
        relation: e.relation || "", color: kind === "network" ? (FL.RELATION_COLORS[e.relation] || "#808b96") : "#5d6d7e"
      } });
    });
    return out;
  }

  function fillList(data) {
    if (!listNode) { return; }
    listNode.textContent = "";
    var labels = {};
    data.nodes.forEach(function (n) { labels[n.id] = n.label || n.id; });
    data.edges.forEach(function (e) {
      var li = FL.el("li");
      li.appendChild(FL.el("a", { href: "/actors/" + encodeURIComponent(e.source) }, labels[e.source]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(FL.el("span", { "class": "rel rel-" + e.relation }, e.relation));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(FL.el("a", { href: "/actors/" + encodeURIComponent(e.target) }, labels[e.target]));
      li.appendChild(FL.el("span", { "class": "muted" }, " · " + e.weight + " source(s)" +
        (e.outlets && e.outlets.length ? " · " + e.outlets.join(", ") : "")));
      listNode.appendChild(li);
    });
    if (!data.edges.length) { listNode.appendChild(FL.el("li", { "class": "muted" }, "No relations.")); }
  }

  function draw(data) {
    fillList(data);
    FL.status("graph-status", data.nodes.length + " node(s), " + data.edges.length + " edge(s).");
    if (!graphNode || !window.cytoscape || !data.nodes.length) { return; }
    var cy = cytoscape({
      container: graphNode,
      elements: elements(data),
      maxZoom: 1.6,
      minZoom: 0.1,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 15, "text-wrap": "wrap", "text-max-width": 160,
          "background-color": kind === "network" ? "#34495e" : "#7e5109",
          "width": "mapData(degree, 1, 12, 12, 30)", "height": "mapData(degree, 1, 12, 12, 30)",
          "color": "#1c2833", "text-valign": "bottom", "text-margin-y": 3 } },
        { selector: "edge", style: {
          "line-color": "data(color)", "target-arrow-color": "data(color)", "target-arrow-shape": "triangle",
          "curve-style": "bezier", "opacity": 0.85,
          "width": "mapData(weight, 1, 10, 1.5, 8)" } },
        { selector: "edge:selected", style: { "label": "data(relation)", "font-size": 10 } }
      ],
      layout: { name: "cose", animate: false, padding: 40, randomize: true, numIter: 2500, gravity: 0.2,
                nodeRepulsion: function () { return 80000; }, idealEdgeLength: function () { return 70; },
                nodeOverlap: 40, componentSpacing: 60, nestingFactor: 1.2 }
    });
    if (kind === "network") {
      cy.on("tap", "node", function (evt) { window.location.href = "/actors/" + encodeURIComponent(evt.target.id()); });
    }
  }

  FL.getJSON(source + "?" + FL.formQuery(form)).then(draw).catch(function (err) {
    FL.status("graph-status", "The graph could not be loaded (" + err.message + ").");
  });
})();
