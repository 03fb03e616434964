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
  apply();
})();
