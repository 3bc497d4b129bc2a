// claimscope web UI behaviour. Loaded from /static (the CSP forbids inline script); it only
// toggles classes on server-rendered, already-escaped markup and never builds HTML from text.
"use strict";

function setTechnique(label, on) {
  document.querySelectorAll("#article-text [data-t]").forEach(function (el) {
    var labels = el.dataset.t.split(" ");
    var slots = (el.dataset.tp || "").split(" ");
    var i = labels.indexOf(label);
    if (i < 0) { return; }
    el.classList.toggle("tp-on-" + slots[i], on);
    // a span stays highlighted while any of its techniques is ticked
    var anyOn = labels.some(function (other) {
      var box = document.querySelector('.tech-toggle[data-technique="' + CSS.escape(other) + '"]');
      return box && box.checked;
    });
    el.classList.toggle("on", anyOn);
  });
}

function focusClaim(id) {
  document.querySelectorAll("#article-text .focus").forEach(function (el) { el.classList.remove("focus"); });
  document.querySelectorAll("#article-text [data-claims]").forEach(function (el) {
    if (el.dataset.claims.split(" ").indexOf(id) >= 0) { el.classList.add("focus"); }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".tech-toggle").forEach(function (box) {
    box.addEventListener("change", function () { setTechnique(box.dataset.technique, box.checked); });
  });
  document.querySelectorAll(".claim-jump").forEach(function (link) {
    link.addEventListener("click", function () { focusClaim(link.dataset.claim); });
  });
  if (location.hash.indexOf("#claim-") === 0) { focusClaim(location.hash.slice(7)); }
});
