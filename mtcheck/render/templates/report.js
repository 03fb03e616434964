(function () {
  "use strict";
  var RANK = { error: 3, warning: 2, info: 1 };
  function apply() {
    var allowed = { sev: {}, cat: {} };
    document.querySelectorAll("input[data-filter]").forEach(function (box) {
      allowed[box.getAttribute("data-filter")][box.value] = box.checked;
    });
    var visible = {};
    document.querySelectorAll("tr.finding-row").forEach(function (row) {
      var show = allowed.sev[row.getAttribute("data-sev")] !== false &&
        allowed.cat[row.getAttribute("data-cat")] !== false;
      row.hidden = !show;
      visible[row.getAttribute("data-finding")] = show ? row.getAttribute("data-sev") : null;
    });
    document.querySelectorAll("mark[data-f]").forEach(function (mark) {
      var best = null;
      mark.getAttribute("data-f").split(" ").forEach(function (id) {
        var sev = visible[id];
        if (sev && (!best || RANK[sev] > RANK[best])) { best = sev; }
      });
      if (best) { mark.setAttribute("data-level", best); } else { mark.removeAttribute("data-level"); }
    });
    var shade = document.getElementById("shade");
    document.body.classList.toggle("shade", !!(shade && shade.checked));
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.matches("input[data-filter], #shade")) { apply(); }
  });
  // "Copy corrected text": the clipboard API where the page may use it, else select and copy.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    var id = button.getAttribute("data-copy");
    var area = document.getElementById(id);
    var status = document.getElementById(id + "-status");
    if (!area) { return; }
    function done(ok) { if (status) { status.textContent = ok ? "copied" : "select the text and copy it"; } }
    function fallback() {
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(area.value).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  });
  apply();
})();
