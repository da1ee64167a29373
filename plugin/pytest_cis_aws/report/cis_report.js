/* The compliance report's script: renders units from the JSON embedded once in the page.
   Text from AWS only ever reaches the page as textContent, never as markup. */
(function () {
  "use strict";
  var report = document.getElementById("cis-report");
  var lazy = report.dataset.lazy === "true";
  var PAGE = 200;

  // At organisation scale pytest-html's table of every test takes long to build, so it starts
  // with no outcome shown (pytest-html's documented ?visible= parameter, left alone when the
  // address already has one); ticking an outcome builds it. This runs before pytest-html's
  // script, which sits at the end of the page.
  if (lazy) {
    try {
      var url = new URL(window.location.href);
      if (!url.searchParams.has("visible")) {
        url.searchParams.set("visible", "");
        window.history.replaceState(window.history.state, "", url.href);
      }
    } catch (error) { /* an address that cannot change: pytest-html builds the whole table */ }
  }

  // The units: plain JSON in a small page, read at once. In a large one (data-compressed) the
  // rows come gzip-compressed and base64-encoded in chunks beside it, and are decoded with the
  // browser's own DecompressionStream, a chunk at a time, the first time they are needed:
  // the page opens and shows its totals without waiting for a million units.
  var compressed = report.dataset.compressed === "true";
  var head = null;
  var data = null;
  var loading = null;
  function tables() {
    if (head === null) head = JSON.parse(document.getElementById("cis-units").textContent);
    return head;
  }
  function indexed(d) {
    d.byControl = d.controls.map(function () { return []; });
    d.units.forEach(function (unit, index) { d.byControl[unit[0]].push(index); });
    data = d;
    return d;
  }
  function units() {  // synchronous: only once ready() has run
    if (data === null && !compressed) indexed(tables());
    return data;
  }
  function inflate(base64) {
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }
  function ready(then) {
    if (units() !== null) { then(units()); return; }
    if (loading === null) {
      var d = tables();
      var status = document.getElementById("cis-find-count");
      var parts = Array.prototype.slice.call(document.querySelectorAll("#cis-report script.cis-units-gz"));
      loading = parts.reduce(function (previous, part, n) {
        return previous.then(function () {
          status.textContent = "decoding the units: part " + (n + 1) + " of " + parts.length + "...";
          return inflate(part.textContent);
        }).then(function (text) {
          var rows = JSON.parse(text);
          for (var i = 0; i < rows.length; i++) d.units.push(rows[i]);
          part.textContent = "";  // the decoded rows replace the encoded text
        });
      }, Promise.resolve()).then(function () { return indexed(d); });
    }
    loading.then(then);
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // An ARN or id, with a line-break opportunity after each ':' and '/' (text nodes and <wbr>
  // elements, never markup from the data): a narrow column breaks it between its parts, not
  // inside a word.
  function resourceCell(row, text) {
    var td = cell(row, "", "cis-resource");
    var parts = String(text).split(/([:\/])/);
    for (var i = 0; i < parts.length; i += 2) {
      td.appendChild(document.createTextNode(parts[i] + (parts[i + 1] || "")));
      if (i + 2 < parts.length) td.appendChild(document.createElement("wbr"));
    }
    return td;
  }

  // -- a control's failing resources, in its details -------------------------------------
  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // The evidence behind a verdict: one disclosure per failing resource, each call's deciding
  // fields as a list of names and values (the same markup the template gives waived ones).
  function evidence(calls) {
    if (!calls || !calls.length) return element("span", "cis-evidence--none", "none recorded");
    var details = element("details", "cis-evidence");
    details.appendChild(element("summary", "", "Evidence"));
    calls.forEach(function (call) {
      var box = details.appendChild(element("div", "cis-evidence__call"));
      box.appendChild(element("code", "cis-evidence__source", call[0]));
      var list = box.appendChild(element("dl"));
      call[1].forEach(function (field) {
        list.appendChild(element("dt", "", field[0]));
        list.appendChild(element("dd")).appendChild(element("code", "", field[1]));
      });
    });
    return details;
  }

  function renderFailing(section, then) {
    if (!section || section.dataset.rendered) return;
    section.dataset.rendered = "true";
    ready(function (d) {
      renderFailingRows(section, d);
      if (then) then();
    });
  }

  function renderFailingRows(section, d) {
    var control = d.controls.indexOf(section.dataset.control);
    var fail = d.statuses.indexOf("FAIL");
    var table = section.querySelector("table.cis-failing");
    if (!table) return;  // details of a control with no failure: facts, waivers, units it does not apply to
    var withFix = table.dataset.fix === "true";
    var rows = document.createDocumentFragment();
    var anchored = {};
    (control < 0 ? [] : d.byControl[control]).forEach(function (index) {
      var unit = d.units[index];
      if (unit[4] !== fail) return;
      var tr = document.createElement("tr");
      if (!anchored[unit[1]]) {  // the account's first failing resource: the heat map links here
        anchored[unit[1]] = true;
        tr.id = section.id + "--" + d.accounts[unit[1]];
      }
      cell(tr, d.accounts[unit[1]]);
      cell(tr, d.regions[unit[2]]);
      resourceCell(tr, unit[3]);
      cell(tr, unit[5], "cis-message");
      if (withFix) {
        var code = document.createElement("code");
        code.className = "cis-fix";
        code.textContent = unit[8];
        tr.appendChild(document.createElement("td")).appendChild(code);
      }
      tr.appendChild(document.createElement("td")).appendChild(evidence(unit[9]));
      rows.appendChild(tr);
    });
    table.tBodies[0].appendChild(rows);
    var button = section.querySelector(".cis-show-failing");
    if (button) button.parentNode.remove();
  }

  // A link to a control (#control-1-4) or to an account's first failing resource in it
  // (#control-1-4--111111111111, from the heat map): its rows are built, then shown.
  function showLinkedControl() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (id.indexOf("control-") !== 0) return;
    var section = document.getElementById(id.split("--")[0]);
    if (section && !section.dataset.rendered) {
      renderFailing(section, function () {
        var target = document.getElementById(id);
        if (target) target.scrollIntoView();  // the rows just added moved what the browser had scrolled to
      });
    }
  }

  // -- the finder ------------------------------------------------------------------------
  var finder = {shown: 0, matches: [], sortKey: null, ascending: true, haystack: null};
  var SORT_FIELD = {control: 0, account: 1, region: 2, resource: 3, status: 4, message: 5};

  function fillSelect(id, values) {
    var select = document.getElementById(id);
    values.forEach(function (value, index) {
      var option = document.createElement("option");
      option.value = String(index);
      option.textContent = value;
      select.appendChild(option);
    });
  }

  function sortValue(d, unit, field) {
    if (field === 1) return d.accounts[unit[1]];
    if (field === 2) return d.regions[unit[2]];
    if (field === 4) return d.statuses[unit[4]];
    return unit[field];  // the control's index is its benchmark order
  }

  function search() {
    ready(searchUnits);
  }

  function searchUnits(d) {
    var text = document.getElementById("cis-find-text").value.trim().toLowerCase();
    var status = document.getElementById("cis-find-status").value;
    var control = document.getElementById("cis-find-control").value;
    var account = document.getElementById("cis-find-account").value;
    var ownerSelect = document.getElementById("cis-find-owner");  // only with --cis-owner-tag
    var owner = ownerSelect ? ownerSelect.value : "";
    if (text && finder.haystack === null) {
      finder.haystack = d.units.map(function (unit) {
        return [d.controls[unit[0]], d.accounts[unit[1]], d.regions[unit[2]], unit[3], d.statuses[unit[4]], unit[5],
                d.tests[unit[6]] + "[" + unit[7] + "]", d.owners[unit[10]]].join("\n").toLowerCase();
      });
    }
    var candidates = control === "" ? d.units.map(function (_, index) { return index; }) : d.byControl[Number(control)];
    finder.matches = candidates.filter(function (index) {
      var unit = d.units[index];
      return (status === "" || unit[4] === Number(status)) && (account === "" || unit[1] === Number(account)) &&
        (owner === "" || unit[10] === Number(owner)) &&
        (!text || finder.haystack[index].indexOf(text) >= 0);
    });
    if (finder.sortKey !== null) {
      var field = SORT_FIELD[finder.sortKey];
      var sign = finder.ascending ? 1 : -1;
      finder.matches.sort(function (a, b) {
        var x = sortValue(d, d.units[a], field), y = sortValue(d, d.units[b], field);
        return x < y ? -sign : x > y ? sign : a - b;
      });
    }
    var body = document.querySelector("#cis-find-table tbody");
    body.textContent = "";
    finder.shown = 0;
    showMore();
  }

  function showMore() {
    var d = units();
    var rows = document.createDocumentFragment();
    var end = Math.min(finder.matches.length, finder.shown + PAGE);
    for (var n = finder.shown; n < end; n++) {
      var unit = d.units[finder.matches[n]];
      var tr = document.createElement("tr");
      tr.className = "cis-unit cis-unit--" + d.statuses[unit[4]].toLowerCase();
      tr.title = d.tests[unit[6]] + "[" + unit[7] + "]";
      cell(tr, d.statuses[unit[4]], "cis-unit__status");
      cell(tr, d.controls[unit[0]]);
      cell(tr, d.accounts[unit[1]]);
      cell(tr, d.regions[unit[2]]);
      resourceCell(tr, unit[3]);
      cell(tr, unit[5], "cis-message");
      rows.appendChild(tr);
    }
    document.querySelector("#cis-find-table tbody").appendChild(rows);
    finder.shown = end;
    document.getElementById("cis-find-count").textContent =
      "showing " + end + " of " + finder.matches.length + " matching units (" + d.units.length + " in all)";
    var more = document.getElementById("cis-find-more");
    more.hidden = end >= finder.matches.length;
    more.textContent = "Show " + Math.min(PAGE, finder.matches.length - end) + " more";
  }

  function setUpFinder() {
    var d = tables();  // the lists of controls, accounts and outcomes: no unit decoded yet
    fillSelect("cis-find-status", d.statuses);
    fillSelect("cis-find-control", d.controls);
    fillSelect("cis-find-account", d.accounts);
    if (document.getElementById("cis-find-owner")) {
      fillSelect("cis-find-owner", d.owners.map(function (name) { return name || "(no owner)"; }));
    }
    var timer = null;
    document.getElementById("cis-find-text").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    ["cis-find-status", "cis-find-control", "cis-find-account", "cis-find-owner"].forEach(function (id) {
      var select = document.getElementById(id);
      if (select) select.addEventListener("change", search);
    });
    document.getElementById("cis-find-more").addEventListener("click", showMore);
    Array.prototype.forEach.call(document.querySelectorAll("#cis-find-table th.cis-sortable"), function (th) {
      th.addEventListener("click", function () {
        finder.ascending = finder.sortKey === th.dataset.sort ? !finder.ascending : true;
        finder.sortKey = th.dataset.sort;
        Array.prototype.forEach.call(th.parentNode.children, function (other) {
          other.classList.remove("asc", "desc");
        });
        th.classList.add(finder.ascending ? "asc" : "desc");
        search();
      });
    });
    // A compressed page decodes its units once it has loaded, so its totals come first.
    if (compressed) window.addEventListener("load", function () { setTimeout(search, 0); });
    else search();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var details = document.querySelectorAll("#cis-report section.cis-detail");
    if (!lazy) {
      Array.prototype.forEach.call(details, function (section) { renderFailing(section); });
    } else {
      Array.prototype.forEach.call(document.querySelectorAll("#cis-report .cis-show-failing"), function (button) {
        button.addEventListener("click", function () { renderFailing(button.closest("section.cis-detail")); });
      });
      window.addEventListener("hashchange", showLinkedControl);
      showLinkedControl();
    }
    setUpFinder();
  });
})();
