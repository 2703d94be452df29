// Session page and projector screen: print the QR code, go full-screen.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var print = event.target.closest("[data-print]");
    if (print) {
      window.print();
      return;
    }
    var full = event.target.closest("[data-fullscreen]");
    if (full) {
      var target = document.querySelector(full.getAttribute("data-fullscreen"));
      if (target && target.requestFullscreen) {
        target.requestFullscreen();
      }
    }
  });
})();
