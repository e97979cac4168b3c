/* The incident map: offline country outlines, incidents from /api/incidents.geojson, a linked list below. */
"use strict";

(function () {
  var form = document.getElementById("filters");
  var mapNode = document.getElementById("map");
  var listNode = document.getElementById("map-list");
  var source = (mapNode || listNode).getAttribute("data-source");
  var query = FL.formQuery(form);

  function label(p) {
    var date = p.date_start || "undated";
    var where = p.place || "unknown place";
    return date + " · " + p.sub_event_type + " · " + where + " (" + p.source_count + " source" +
      (p.source_count === 1 ? "" : "s") + ")";
  }

  function popup(p) {
    var box = FL.el("div", { "class": "popup" });
    box.appendChild(FL.el("strong", {}, p.sub_event_type));
    box.appendChild(FL.el("div", {}, (p.date_start || "undated") + " · " + (p.place || "")));
    if (p.perpetrators && p.perpetrators.length) { box.appendChild(FL.el("div", {}, "By: " + p.perpetrators.join(", "))); }
    if (p.killed_low !== null && p.killed_low !== undefined) { box.appendChild(FL.el("div", {}, "Killed: " + p.killed_low)); }
    if (p.disputed && p.disputed.length) { box.appendChild(FL.el("div", { "class": "disputed" }, "Disputed: " + p.disputed.join(", "))); }
    box.appendChild(FL.el("a", { href: p.url, "class": "incident-link" }, "Open incident"));
    return box;
  }

  function fillList(features) {
    listNode.textContent = "";
    features.forEach(function (f) {
      var li = FL.el("li");
      li.appendChild(FL.el("a", { href: f.properties.url, "class": "incident-link" }, label(f.properties)));
      listNode.appendChild(li);
    });
    if (!features.length) { listNode.appendChild(FL.el("li", { "class": "muted" }, "No located incidents match.")); }
  }

  var map = null;
  if (mapNode && window.L) {
    map = L.map(mapNode, { worldCopyJump: true, minZoom: 2 }).setView([33.5, 42.0], 5);
    var countries = mapNode.getAttribute("data-countries");
    if (countries && window.topojson) {
      FL.getJSON(countries).then(function (topo) {
        L.geoJSON(topojson.feature(topo, topo.objects.countries), {
          style: { color: "#9aa5b1", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 }, interactive: false
        }).addTo(map).bringToBack();
      }).catch(function () { FL.status("map-status", "Country outlines could not be loaded."); });
    }
    var tiles = mapNode.getAttribute("data-tiles");
    var toggle = document.getElementById("online-tiles");
    if (tiles && toggle) {
      var layer = L.tileLayer(tiles, { maxZoom: 18, attribution: "map tiles" });
      toggle.addEventListener("change", function () {
        if (toggle.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    }
  }

  FL.getJSON(source + (query ? "?" + query : "")).then(function (data) {
    var features = data.features || [];
    fillList(features);
    FL.status("map-status", features.length + " located incident(s).");
    if (!map) { return; }
    var types = [];
    features.forEach(function (f) { if (types.indexOf(f.properties.event_type) < 0) { types.push(f.properties.event_type); } });
    types.sort();
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        return L.circleMarker(latlng, {
          radius: 5 + 3 * Math.sqrt(p.source_count || 1), className: "incident-marker",
          color: p.disputed && p.disputed.length ? "#b03a2e" : "#333", weight: p.disputed && p.disputed.length ? 3 : 1,
          fillColor: FL.colorFor(p.event_type, types), fillOpacity: 0.75
        });
      },
      onEachFeature: function (f, lyr) { lyr.bindPopup(popup(f.properties)); }
    }).addTo(map);
    if (features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 8, padding: [30, 30] }); }
  }).catch(function (err) { FL.status("map-status", "Incidents could not be loaded (" + err.message + ")."); });
})();
