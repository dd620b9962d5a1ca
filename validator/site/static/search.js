// Search over the site's small JSON index: every word of the query must appear in a paper's
// title, or a task's or dataset's names. Plain DOM, results built with textContent only.
(function () {
  "use strict";
  var script = document.currentScript;
  var indexUrl = script.getAttribute("data-index");
  var root = script.getAttribute("data-root") || "";
  var LIMIT = 100;
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var headerInput = document.getElementById("site-search");
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  if (headerInput) { headerInput.value = query; }

  function words(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .split(/[^a-z0-9.+#]+/).filter(function (w) { return w.length > 0; });
  }

  function prepare(entries, kind, folder) {
    return entries.map(function (e) {
      return { name: e[0], id: e[1], extra: e[2] || "", kind: kind, folder: folder,
               hay: " " + words(e[0] + " " + (e[2] || "") + " " + e[1]).join(" ") };
    });
  }

  function render(items, terms) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var found = items.filter(function (item) {
      return terms.every(function (t) { return item.hay.indexOf(" " + t) !== -1; });
    });
    found.forEach(function (item, i) { item.order = i; });
    found.sort(function (a, b) {  // tasks and datasets before papers, then by name length
      var ka = a.kind === "paper" ? 1 : 0, kb = b.kind === "paper" ? 1 : 0;
      return ka - kb || a.order - b.order;
    });
    found.slice(0, LIMIT).forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + item.folder + "/" + (item.id === "index" ? "index-" : encodeURIComponent(item.id)) + ".html";  // see page_file in render.py
      a.textContent = item.name;
      li.appendChild(a);
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.kind + (item.kind === "paper" && item.extra ? ", " + item.extra : "");
      li.appendChild(kind);
      list.appendChild(li);
    });
    var shown = Math.min(found.length, LIMIT);
    status.textContent = found.length === 0 ? "Nothing found for \u201c" + query + "\u201d."
      : found.length + " found" + (found.length > LIMIT ? ", showing the first " + shown : "") + ".";
  }

  var terms = words(query);
  if (terms.length === 0) {
    status.textContent = "Type words from a paper title, a task or a dataset.";
    return;
  }
  status.textContent = "Searching\u2026";
  fetch(indexUrl).then(function (response) {
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  }).then(function (data) {
    var items = prepare(data.tasks || [], "task", "tasks")
      .concat(prepare(data.datasets || [], "dataset", "datasets"))
      .concat(prepare(data.papers || [], "paper", "papers"));
    render(items, terms);
  }).catch(function () {
    status.textContent = "The search index could not be loaded.";
  });
}());
