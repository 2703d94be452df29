// The org tree's toggles: the first click loads the children (htmx, once); later clicks
// fold and unfold them. aria-expanded says which, for screen readers.
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var button = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (button && button.classList.contains("toggle")) {
      button.setAttribute("data-loaded", "1");
      button.setAttribute("aria-expanded", "true");
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle[data-loaded]");
    if (!button) { return; }
    var list = button.parentElement.querySelector(":scope > ul");
    if (!list) { return; }
    var open = button.getAttribute("aria-expanded") === "true";
    list.hidden = open;
    button.setAttribute("aria-expanded", String(!open));
  });
})();
