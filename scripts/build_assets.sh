#!/usr/bin/env bash
# Copy the web UI's front-end libraries (pinned in package.json) from npm into faultlines/serve/static/vendor.
# Without npm the pages still work; only the map and the graphs are missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/faultlines/serve/static/vendor"
NODE_MODULES="$ROOT/node_modules"
mkdir -p "$VENDOR"  # the Makefile stamps this folder even when the libraries cannot be fetched

if ! command -v npm >/dev/null 2>&1; then
  echo "note: npm not found; the web UI will work without the map, network and causal-map views." >&2
  echo "      install Node.js/npm and run 'make assets' to add them." >&2
  exit 0
fi

cd "$ROOT"
if ! npm install --no-audit --no-fund --no-package-lock --loglevel=error; then
  echo "note: 'npm install' failed; the web UI will work without the map, network and causal-map views." >&2
  exit 0
fi

copy() {  # copy SRC (relative to node_modules) to DEST (relative to vendor)
  local src="$NODE_MODULES/$1" dest="$VENDOR/$2"
  if [ ! -f "$src" ]; then
    echo "error: $src is missing after npm install" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
}

rm -rf "$VENDOR"
mkdir -p "$VENDOR"
copy leaflet/dist/leaflet.js leaflet/leaflet.js
copy leaflet/dist/leaflet.css leaflet/leaflet.css
copy leaflet/LICENSE leaflet/LICENSE
copy topojson-client/dist/topojson-client.min.js topojson-client/topojson-client.min.js
copy topojson-client/LICENSE topojson-client/LICENSE
copy world-atlas/countries-110m.json world-atlas/countries-110m.json
copy world-atlas/LICENSE world-atlas/LICENSE
copy cytoscape/dist/cytoscape.min.js cytoscape/cytoscape.min.js
copy cytoscape/LICENSE cytoscape/LICENSE
echo "web assets copied to $VENDOR"
