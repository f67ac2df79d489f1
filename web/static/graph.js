// Interactive graph view: Cytoscape.js (installed from npm at set-up time), data from the build.
//
// The container says how far it got, for people and for tests that wait on it (never on time):
//   data-ready="true"  the layout has run, the click handlers are bound and the first frame is drawn,
//                      so what a reader sees is what a click hits;
//   data-error="..."   the data or the library failed; the container says so (the node list stays below).
// Hovering a node shows its full label as the container's title (labels are cut at 140 px).
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || typeof cytoscape !== "function") { return; }
  var colours = { strategy: "#0b5cad", objective: "#c2571a", department: "#2e7d32", partner: "#7b3fa0", community: "#a31545" };

  function failed(error) {
    container.setAttribute("data-error", String(error && error.message || error));
    container.textContent = "The interactive view could not be drawn (" + (error && error.message || error) +
      "); the nodes are listed below.";
  }

  fetch(container.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("the graph data answered " + response.status); }
      return response.json();
    })
    .then(function (data) {
      // Start from a circle in the data's order: cose run from one shared point pushes the nodes apart at
      // random, so the picture (and where a node is) changed on every visit. From distinct positions the
      // layout is the same every time for the same graph.
      var count = Math.max(data.nodes.length, 1);
      var radius = Math.max(100, Math.min(container.clientWidth, container.clientHeight) / 2);
      var elements = data.nodes.map(function (n, i) {
        var angle = 2 * Math.PI * i / count;
        return { data: { id: n.id, label: n.label, kind: n.kind, size: n.size, href: n.href },
                 position: { x: radius * Math.cos(angle), y: radius * Math.sin(angle) } };
      }).concat(data.edges.map(function (e, i) {
        return { data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight } };
      }));
      var cy = cytoscape({
        container: container,
        elements: elements,
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: { "background-color": function (n) { return colours[n.data("kind")] || "#555"; },
            label: "data(label)", width: "data(size)", height: "data(size)", "font-size": 9, "text-wrap": "ellipsis",
            "text-max-width": 140, color: "#1d2430" } },
          { selector: "edge", style: { width: function (e) { return 1 + Math.min(e.data("weight"), 8); },
            "line-color": "#b8c2d0", "curve-style": "bezier", "target-arrow-shape": data.directed ? "triangle" : "none",
            "target-arrow-color": "#b8c2d0" } }
        ],
        layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 90 }
      });
      cy.on("tap", "node", function (event) {
        // Relative links resolve against this page (never a host name taken from the request).
        var target = new URL(event.target.data("href"), document.baseURI);
        if (target.protocol === "http:" || target.protocol === "https:") { window.location.href = target.href; }
      });
      cy.on("mouseover", "node", function (event) {
        container.style.cursor = "pointer";
        container.title = event.target.data("label");
      });
      cy.on("mouseout", "node", function () {
        container.style.cursor = "";
        container.removeAttribute("title");
      });
      window.eqgraphCy = cy;
      // The layout ran inside cytoscape() (animate: false); the first 'render' comes with the first frame.
      cy.one("render", function () { container.setAttribute("data-ready", "true"); });
    })
    .catch(failed);
})();
