/* Small helpers shared by the page scripts: safe DOM building (text only, never innerHTML) and filter queries. */
"use strict";

var FL = (function () {
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function formQuery(form, extra) {
    var params = new URLSearchParams();
    if (form) {
      new FormData(form).forEach(function (value, key) {
        if (typeof value === "string" && value.trim() !== "") { params.append(key, value.trim()); }
      });
    }
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    return params.toString();
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function status(id, text) {
    var node = document.getElementById(id);
    if (node) { node.textContent = text; }
  }

  var PALETTE = ["#c0392b", "#d68910", "#7d3c98", "#2471a3", "#17a589", "#616a6b", "#a04000", "#1e8449"];

  function colorFor(key, keys) {
    var i = keys.indexOf(key);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }

  var RELATION_COLORS = {
    supports: "#1e8449", allied: "#17a589", fights: "#c0392b", attacks: "#922b21", opposes: "#d68910",
    rivals: "#7d3c98", controls: "#2471a3", leads: "#1a5276", member_of: "#808b96"
  };

  return { el: el, formQuery: formQuery, getJSON: getJSON, status: status, colorFor: colorFor,
           RELATION_COLORS: RELATION_COLORS };
})();
