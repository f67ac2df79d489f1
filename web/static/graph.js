// Interactive graph view: Cytoscape.js (installed from npm at set-up time), data from the build.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || typeof cytoscape !== "function") { return; }
  var colours = { strategy: "#0b5cad", objective: "#c2571a", department: "#2e7d32", partner: "#7b3fa0", community: "#a31545" };
  fetch(container.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var elements = data.nodes.map(function (n) {
        return { data: { id: n.id, label: n.label, kind: n.kind, size: n.size, href: n.href } };
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
        layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 90 }
      });
      cy.on("tap", "node", function (event) {
        var href = event.target.data("href");  // a page of this site, or an http(s) IRI; never another scheme
        if (href) { window.location.href = new URL(href, document.baseURI).href; }
      });
      container.setAttribute("data-ready", "true");
      window.eqgraphCy = cy;
    });
})();
