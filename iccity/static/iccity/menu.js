// The site menu (base.html): on phones the whole menu folds behind the 菜单 button; on wide screens each section
// opens as a drop-down. Without JavaScript every link stays visible. No inline script: CSP forbids it.
(function () {
  "use strict";

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function init() {
    var nav = document.getElementById("site-menu");
    var toggle = document.querySelector(".menu-toggle[aria-controls='site-menu']");
    if (!nav || !toggle) { return; }
    nav.classList.add("is-enhanced");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      setOpen(toggle, open);
      nav.classList.toggle("is-open", open);
    });

    var sectionButtons = [];
    if (!nav.classList.contains("nav-flat")) {
      sectionButtons = Array.prototype.slice.call(nav.querySelectorAll(".nav-section-toggle"));
    }
    sectionButtons.forEach(function (button) {
      button.hidden = false;
      if (button.parentNode.querySelector("a[aria-current='page']")) { button.classList.add("has-current"); }
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        sectionButtons.forEach(function (other) { setOpen(other, false); });
        setOpen(button, open);
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      sectionButtons.forEach(function (button) {
        if (button.getAttribute("aria-expanded") === "true") { setOpen(button, false); button.focus(); }
      });
    });
    document.addEventListener("click", function (event) {
      if (!nav.contains(event.target)) { sectionButtons.forEach(function (b) { setOpen(b, false); }); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
