// Type-ahead for the saved queries' name fields. Without this script each field is a plain text box
// with the server's list of names (a <datalist>), and the typed name is read on the server as in a URL.
// With it, the list follows what is typed: /names/<type>?q= answers with the things the words name,
// aliases included ("BAME", "C&H", "police"), so the list offers what the query will run as.
(function () {
  "use strict";
  var WAIT_MS = 150; // debounce: ask once typing pauses, not on every key

  function fill(list, entries) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    entries.forEach(function (entry) {
      var option = document.createElement("option");
      option.value = entry.value;
      if (entry.label) { option.label = entry.label; }
      list.appendChild(option);
    });
  }

  function names(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var all = Array.prototype.map.call(list.options, function (o) { return {value: o.value, label: ""}; });
    var timer = null, asked = "", latest = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var typed = input.value.trim();
        if (typed === asked) { return; }
        asked = typed;
        if (typed.length < 2) { fill(list, all); return; }
        var ticket = ++latest;
        fetch(input.getAttribute("data-names") + "?q=" + encodeURIComponent(typed), {headers: {Accept: "application/json"}})
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data || ticket !== latest) { return; } // an older answer arriving late is dropped
            fill(list, data.suggestions.map(function (s) {
              // The label holds the typed alias, so the browser's own filter keeps the entry in view.
              return {value: s.value, label: s.name ? s.name + " — " + s.label : s.label};
            }));
          })
          .catch(function () { /* offline or refused: the server's list stays */ });
      }, WAIT_MS);
    });
  }

  function objectives(input) {
    // The objective list shows the chosen plan's objectives only.
    var list = document.getElementById(input.getAttribute("list"));
    var plan = input.form && input.form.querySelector("select[name=plan]");
    if (!list || !plan) { return; }
    var all = Array.prototype.map.call(list.options, function (o) {
      return {value: o.value, label: o.label, plan: o.getAttribute("data-plan")};
    });
    function show() {
      var chosen = plan.value;
      fill(list, all.filter(function (o) { return !chosen || o.plan === chosen; }));
    }
    plan.addEventListener("change", show);
    show();
  }

  document.querySelectorAll("input[data-names]").forEach(names);
  document.querySelectorAll("input[data-objectives]").forEach(objectives);
})();
