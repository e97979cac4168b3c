"""Screenshot of the causal map page at 1400x1000 in headless Chromium, with how readable it is.

    python benchmarks/causal_map_page.py --db DB [--out shot.png] [--json]

Serves DB on loopback (uvicorn), opens /causal-map in Debian's chromium through Playwright, waits for the graph,
and reports the concepts (nodes) and arrows drawn, how many node labels overlap another label (pairs of rendered
label boxes that intersect), and how many labels fall outside the graph's box. Build DB first, for the seeds:

    faultlines ingest --db /tmp/seeds.db ../shared/corpus/seeds --meta ../shared/bench/seeds/manifest.jsonl
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# the rendered label box of every node, and the graph's own size, read from the page's cytoscape instance
_BOXES = """() => {
  const cy = window.faultlinesCausalMap;
  const boxes = cy.nodes().map(n => n.renderedBoundingBox({includeNodes: false, includeEdges: false,
                                                          includeLabels: true}));
  return {boxes: boxes.map(b => [b.x1, b.y1, b.x2, b.y2]), width: cy.width(), height: cy.height(),
          edges: cy.edges().length};
}"""


def overlaps(boxes: list[list[float]]) -> int:
    """Pairs of boxes (x1, y1, x2, y2) that intersect."""
    n = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                n += 1
    return n


def measure(base_url: str, out: Path | None, width: int = 1400, height: int = 1000) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(base_url + "/causal-map")
        page.wait_for_selector("#graph[data-drawn='1']", timeout=30000)
        got = page.evaluate(_BOXES)
        if out is not None:
            page.screenshot(path=str(out))
        browser.close()
    boxes = got["boxes"]
    outside = sum(1 for b in boxes if b[0] < 0 or b[1] < 0 or b[2] > got["width"] or b[3] > got["height"])
    return {"nodes": len(boxes), "edges": got["edges"], "label_overlaps": overlaps(boxes), "labels_outside": outside,
            "viewport": f"{width}x{height}"}


def serve(db: str) -> tuple[str, Any]:
    import uvicorn

    from faultlines.serve.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", type=Path, default=Path("causal-map.png"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    base, server = serve(args.db)
    try:
        r = measure(base, args.out)
    finally:
        server.should_exit = True
    if args.json:
        print(json.dumps(r))
    else:
        print(f"causal map page ({r['viewport']}): {r['nodes']} concepts, {r['edges']} arrows, "
              f"{r['label_overlaps']} overlapping label pairs, {r['labels_outside']} labels outside the graph "
              f"-> {args.out}")


if __name__ == "__main__":
    main()
