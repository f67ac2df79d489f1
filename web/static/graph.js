// Interactive graph view: Cytoscape.js (installed from npm at set-up time), data and positions from the
// build (so every visit, on every device, draws the same picture).
//
// The page works without this script: the filters and "find" are a GET form answered by the server, and
// every node is listed below the graph. This script applies the same form at once, in the picture and in
// the list, and adds what needs a pointer: choosing a node shows its details beside the graph (it never
// leaves the page), pointing at one lights up its neighbours.
//
// Labels: drawn at 13 px on screen whatever the zoom; only as many as fit without overlapping are shown,
// the most linked first (the chosen node and its neighbours before all); the others appear on pointing,
// choosing or zooming in.
//
// The container says how far it got, for people and for tests that wait on it (never on time):
//   data-ready="true"  drawn, labels placed, handlers bound;  data-error="..." the data or library failed.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  if (!container || typeof cytoscape !== "function") { return; }
  var FONT = 13;         // px on screen
  var LABEL_WIDTH = 150; // px on screen before a label wraps
  var MIN_NODE = 12;     // px on screen: a node is never drawn smaller, so it can be seen and touched
  var form = document.getElementById("graph-controls");
  var statusLine = document.getElementById("graph-status");
  var details = document.getElementById("graph-details");
  var list = document.getElementById("graph-nodes");

  function failed(error) {
    var message = String(error && error.message || error);
    container.setAttribute("data-error", message);
    container.textContent = "The interactive view could not be drawn (" + message + "); the nodes are listed below.";
  }

  function el(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  fetch(container.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("the graph data answered " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(failed);

  function draw(data) {
    var kinds = {};
    (data.legend && data.legend.nodes || []).forEach(function (k) { kinds[k.kind] = k; });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    var elements = data.nodes.map(function (n) {
      var kind = kinds[n.kind] || {};
      return { group: "nodes", data: { id: n.id, label: n.label, short: n.short || n.label, kind: n.kind,
                 size: n.size, drawn: n.size, valign: "bottom", halign: "center", mx: 0, my: 3, colour: kind.colour || "#555", shape: kind.shape || "ellipse", rank: n.betweenness },
               position: { x: n.x || 0, y: n.y || 0 } };
    }).concat(data.edges.map(function (e, i) {
      return { group: "edges", data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight,
                 shown: e.weight, actions: e.actions || [] } };
    }));
    // Cytoscape adds a <style> element for its container unless one with this id exists: the site's
    // Content-Security-Policy refuses inline styles (a console error), and graph.css already sets what
    // that element would (.graph is position: relative), so a placeholder of that id stands in for it.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      document.head.appendChild(el("meta", null, { id: "__________cytoscape_stylesheet", name: "eqgraph-graph-styles", content: "graph.css" }));
    }
    var cy = cytoscape({
      container: container,
      elements: elements,
      // Positions come from the build; a view built by an older version has none: Cytoscape's own
      // force-directed layout then places the nodes (not the same picture on every load, but a picture).
      layout: data.nodes.length && data.nodes.every(function (n) { return typeof n.x === "number"; })
        ? { name: "preset", fit: true, padding: 24 } : { name: "cose", fit: true, padding: 24, animate: false },
      minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", shape: "data(shape)", width: "data(drawn)", height: "data(drawn)",
          label: "data(short)", color: "#1d2430", "font-family": "system-ui, sans-serif", "font-size": FONT,
          "text-valign": "data(valign)", "text-halign": "data(halign)", "text-margin-x": "data(mx)",
          "text-margin-y": "data(my)", "text-wrap": "wrap",
          "text-max-width": LABEL_WIDTH, "text-background-color": "#ffffff", "text-background-opacity": 0.85,
          "text-background-padding": 1, "min-zoomed-font-size": 0 } },
        { selector: "node.quiet", style: { "text-opacity": 0, "text-background-opacity": 0 } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#1d2430" } },
        { selector: "edge", style: { width: function (e) { return 1 + Math.min(e.data("shown"), 8); },
          "line-color": "#a9b4c4", "curve-style": "bezier", opacity: 0.8,
          "target-arrow-shape": data.directed ? "triangle" : "none", "target-arrow-color": "#a9b4c4" } },
        { selector: ".faded", style: { opacity: 0.12 } },
        { selector: "edge.near", style: { "line-color": "#4a5568", "target-arrow-color": "#4a5568", opacity: 1 } },
        { selector: ".gone", style: { display: "none" } }
      ]
    });
    window.eqgraphCy = cy;

    // --- labels that do not overlap -----------------------------------------------------------------
    var focus = null;   // the node pointed at or chosen: it and its neighbours are labelled first
    function scaleText() {
      var z = cy.zoom();
      cy.batch(function () {
        cy.nodes().forEach(function (node) { node.data("drawn", Math.max(node.data("size"), MIN_NODE / z)); });
      });
      cy.style().selector("node").style({ "font-size": FONT / z, "text-max-width": LABEL_WIDTH / z,
        "text-background-padding": 1 / z }).update();
    }
    function overlaps(a, b) { return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2; }
    function placeLabels() {
      var margin = 2 / cy.zoom();
      var view = cy.extent();
      var first = focus && focus.inside() && !focus.hasClass("gone") ? focus.closedNeighborhood("node") : cy.collection();
      var shown = cy.nodes().not(".gone");
      var order = first.not(".gone").toArray().sort(byRank).concat(shown.not(first).toArray().sort(byRank));
      var taken = [];
      // A label drawn over another node is hidden by it: the bodies on screen count as taken too.
      var bodies = shown.not(".faded").filter(function (n) { return overlaps(n.boundingBox({ includeLabels: false }), view); })
        .map(function (n) { return { id: n.id(), box: n.boundingBox({ includeLabels: false }) }; });
      cy.batch(function () {
        order.forEach(function (node) {
          var spot = node.hasClass("faded") ? null : freeSpot(node, margin, view, taken, bodies);
          if (spot) {
            taken.push(spot.box);
            node.data({ valign: spot.valign, halign: spot.halign, mx: spot.mx, my: spot.my });
            node.removeClass("quiet");
          } else {
            node.addClass("quiet");
          }
        });
        cy.nodes(".gone").addClass("quiet");
      });
    }
    // Where a node's label can go: below it, else above, to the right or to the left; the first place
    // wholly on screen that overlaps no label already placed and no other node.
    function freeSpot(node, margin, view, taken, bodies) {
      var box = node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
      var w = box.x2 - box.x1, h = box.y2 - box.y1, at = node.position(), r = node.data("drawn") / 2;
      var gap = 3 / cy.zoom();
      var spots = [
        { valign: "bottom", halign: "center", mx: 0, my: gap, x1: at.x - w / 2, y1: at.y + r + gap },
        { valign: "top", halign: "center", mx: 0, my: -gap, x1: at.x - w / 2, y1: at.y - r - gap - h },
        { valign: "center", halign: "right", mx: gap, my: 0, x1: at.x + r + gap, y1: at.y - h / 2 },
        { valign: "center", halign: "left", mx: -gap, my: 0, x1: at.x - r - gap - w, y1: at.y - h / 2 }
      ];
      for (var i = 0; i < spots.length; i += 1) {
        var s = spots[i];
        var grown = { x1: s.x1 - margin, y1: s.y1 - margin, x2: s.x1 + w + margin, y2: s.y1 + h + margin };
        if (grown.x1 >= view.x1 && grown.x2 <= view.x2 && grown.y1 >= view.y1 && grown.y2 <= view.y2 &&
            taken.every(function (t) { return !overlaps(grown, t); }) &&
            bodies.every(function (b) { return b.id === node.id() || !overlaps(grown, b.box); })) {
          s.box = grown;
          return s;
        }
      }
      return null;
    }
    function byRank(a, b) {
      return (b.data("size") - a.data("size")) || (a.data("label") < b.data("label") ? -1 : 1);
    }
    var pending = false;
    function relabel() {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; scaleText(); placeLabels(); });
    }
    cy.on("viewport", relabel);

    // --- neighbours lit up ------------------------------------------------------------------------------
    function light(node) {
      cy.batch(function () {
        cy.elements().removeClass("faded near");
        if (node) {
          var around = node.closedNeighborhood();
          cy.elements().not(around).addClass("faded");
          node.connectedEdges().addClass("near");
        }
      });
    }
    cy.on("mouseover", "node", function (event) {
      container.style.cursor = "pointer";
      container.title = event.target.data("label");
      focus = event.target;
      light(focus);
      placeLabels();
    });
    cy.on("mouseout", "node", function () {
      container.style.cursor = "";
      container.removeAttribute("title");
      focus = cy.nodes(":selected").first();
      if (!focus.length) { focus = null; }
      light(focus);
      placeLabels();
    });

    // --- filters ------------------------------------------------------------------------------------------
    var facets = data.facets || [];
    function picked() {
      var wanted = [];
      facets.forEach(function (facet, position) {
        var select = form && form.elements[facet.name];
        if (!select || !select.value) { return; }
        var index = -1;
        facet.values.forEach(function (v, i) { if (v.key === select.value) { index = i; } });
        if (index >= 0) { wanted.push([position, index]); }
      });
      return wanted;
    }
    var actionsOf = {};  // node id -> the passing actions of its edges
    function applyFilters() {
      var wanted = picked();
      var passes = (data.actions || []).map(function (facetsOfAction) {
        return wanted.every(function (w) { return facetsOfAction[w[0]].indexOf(w[1]) >= 0; });
      });
      var keep = {};
      var edgesLeft = 0;
      actionsOf = {};
      cy.batch(function () {
        cy.edges().forEach(function (edge) {
          var kept = edge.data("actions").filter(function (a) { return passes[a]; });
          var visible = wanted.length ? kept.length > 0 : true;
          edge.data("shown", wanted.length ? kept.length : edge.data("weight"));
          edge.toggleClass("gone", !visible);
          if (visible) {
            edgesLeft += 1;
            [edge.data("source"), edge.data("target")].forEach(function (id) {
              keep[id] = true;
              var set = actionsOf[id] || (actionsOf[id] = {});
              kept.forEach(function (a) { set[a] = true; });
            });
          }
        });
        cy.nodes().forEach(function (node) { node.toggleClass("gone", !keep[node.id()]); });
      });
      var left = cy.nodes().not(".gone").length;
      if (statusLine) {
        statusLine.textContent = "Showing " + left + " of " + plural(cy.nodes().length, "node") + " and " + plural(edgesLeft, "link") + (wanted.length ? ", for the actions that pass the filters." : ".");
      }
      if (list) {
        Array.prototype.forEach.call(list.children, function (item) {
          item.hidden = !keep[item.getAttribute("data-id")];
        });
      }
      var chosen = cy.nodes(":selected").first();
      if (chosen.length && chosen.hasClass("gone")) { choose(null); }
      else if (chosen.length) { showDetails(chosen); }
      placeLabels();
      return wanted;
    }
    function remember() {
      if (!form || !window.history || !window.history.replaceState) { return; }
      var params = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.value) { params.set(field.name, field.value); }
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    // --- finding and choosing a node ----------------------------------------------------------------------
    function find(text) {
      var wanted = text.replace(/\s+/g, " ").trim().toLowerCase();
      if (!wanted) { return null; }
      var candidates = cy.nodes().not(".gone").toArray().sort(byRank);
      var tests = [
        function (name) { return name === wanted; },
        function (name) { return name.indexOf(wanted) === 0; },
        function (name) { return (" " + name).indexOf(" " + wanted) >= 0; },
        function (name) { return name.indexOf(wanted) >= 0; }
      ];
      for (var t = 0; t < tests.length; t += 1) {
        for (var i = 0; i < candidates.length; i += 1) {
          if (tests[t](candidates[i].data("label").toLowerCase())) { return candidates[i]; }
        }
      }
      return null;
    }
    function choose(node, centre) {
      cy.nodes(":selected").unselect();
      if (node) {
        node.select();
        if (centre) {  // the node itself in the middle (cy.center would centre it with its label)
          var z = cy.zoom(), at = node.position();
          cy.pan({ x: cy.width() / 2 - at.x * z, y: cy.height() / 2 - at.y * z });
        }
      }
      focus = node || null;
      light(focus);
      showDetails(node);
      placeLabels();
      if (list) {
        Array.prototype.forEach.call(list.children, function (item) {
          item.classList.toggle("found", !!node && item.getAttribute("data-id") === node.id());
        });
      }
    }
    cy.on("tap", "node", function (event) { choose(event.target, false); });
    cy.on("tap", function (event) { if (event.target === cy) { choose(null); } });

    function showDetails(node) {
      if (!details) { return; }
      var title = document.getElementById("details-title");
      var body = document.getElementById("details-body");
      body.textContent = "";
      if (!node) {
        title.textContent = "Details";
        body.appendChild(el("p", "Choose a node in the graph or in the list below, or find one by name, to see what it is and what it is linked to.", { "class": "muted" }));
        return;
      }
      var info = byId[node.id()];
      var kind = kinds[info.kind] || {};
      title.textContent = info.label;
      body.appendChild(el("p", kind.label || info.kind, { "class": "kind" }));
      var edges = node.connectedEdges().not(".gone");
      var count = Object.keys(actionsOf[node.id()] || {}).length;
      body.appendChild(el("p", plural(edges.length, "link") + " in this view" + (count ? ", through " + plural(count, "action") : "") + "."));
      var links = el("p", null, { "class": "details-links" });
      var page = info.href && new URL(info.href, document.baseURI);
      if (page && (page.protocol === "http:" || page.protocol === "https:")) {
        links.appendChild(el("a", "Open its page", { href: page.href }));
      }
      var lister = listHref(info, kind);
      if (lister) {
        if (links.childNodes.length) { links.appendChild(document.createTextNode(" · ")); }
        links.appendChild(el("a", "List its actions", { href: lister }));
      }
      body.appendChild(links);
      var around = edges.map(function (edge) {
        var other = edge.source().id() === node.id() ? edge.target() : edge.source();
        return { label: other.data("label"), weight: edge.data("shown") };
      }).sort(function (a, b) { return (b.weight - a.weight) || (a.label < b.label ? -1 : 1); });
      if (around.length) {
        body.appendChild(el("h3", "Linked to"));
        var ul = el("ul", null, { "class": "neighbours" });
        around.forEach(function (a) {
          var li = el("li", a.label + " ");
          li.appendChild(el("span", "(" + plural(a.weight, "action") + ")", { "class": "muted" }));
          ul.appendChild(li);
        });
        body.appendChild(ul);
      }
    }
    function listHref(info, kind) {
      var base = container.getAttribute("data-actions");
      var known = (container.getAttribute("data-actions-params") || "").split(" ");
      if (!base || !kind.param) { return null; }
      var params = new URLSearchParams();
      facets.forEach(function (facet) {
        var select = form && form.elements[facet.name];
        if (select && select.value) { params.set(facet.name, select.value); }
      });
      if (kind.param === "objective") {
        if (!info.plan) { return null; }
        params.set("plan", info.plan);
        params.set("objective", String(info.number));
      } else {
        params.set(kind.param, info.label);
      }
      var ok = true;
      params.forEach(function (value, name) { if (known.indexOf(name) < 0) { ok = false; } });
      return ok ? base + "?" + params.toString() : null;
    }

    // --- the form and the list ----------------------------------------------------------------------------
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
        select.addEventListener("change", function () { applyFilters(); remember(); });
      });
      var findField = form.elements.find;
      var findAndShow = function () {
        var text = findField ? findField.value : "";
        var node = find(text);
        choose(node, true);
        remember();
        if (text && !node && statusLine) {
          statusLine.textContent = "Nothing shown here is named “" + text + "”.";
        }
      };
      if (findField) { findField.addEventListener("change", findAndShow); }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        applyFilters();
        findAndShow();
      });
    }
    if (list) {
      Array.prototype.forEach.call(list.children, function (item) {
        var button = el("button", "Show in the graph", { type: "button", "class": "show-node" });
        button.addEventListener("click", function () {
          var node = cy.getElementById(item.getAttribute("data-id"));
          if (node.length) {
            choose(node, true);
            container.scrollIntoView({ block: "nearest" });
          }
        });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(button);
      });
    }

    applyFilters();
    var start = form && form.elements.find && form.elements.find.value ? find(form.elements.find.value) : null;
    if (start) { choose(start, true); }
    scaleText();
    placeLabels();
    cy.one("render", function () { container.setAttribute("data-ready", "true"); });
    cy.forceRender && cy.forceRender();
  }
})();
