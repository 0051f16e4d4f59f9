// ppguide site: the checklist's tick boxes are remembered in this browser (localStorage), per page and step,
// so an engineer can close the page during the install and come back to where they were. Hand-written, committed.
(function () {
  "use strict";
  function setUp() {
    var boxes = document.querySelectorAll('table[data-ppg="checklist"] input[type="checkbox"][data-step]');
    if (!boxes.length) return;
    var key = "ppguide:ticks:" + location.pathname;
    var ticks = {};
    try { ticks = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { ticks = {}; }
    boxes.forEach(function (box) {
      var row = box.closest("tr");
      var show = function () { if (row) row.classList.toggle("ppg-done", box.checked); };
      box.checked = !!ticks[box.dataset.step];
      show();
      box.addEventListener("change", function () {
        if (box.checked) ticks[box.dataset.step] = true; else delete ticks[box.dataset.step];
        try { localStorage.setItem(key, JSON.stringify(ticks)); } catch (e) { /* private mode: not kept */ }
        show();
      });
    });
  }
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(setUp);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
