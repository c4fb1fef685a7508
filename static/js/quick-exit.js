// "Exit this page", as in the GOV.UK Design System: for someone who must hide what they
// are reading at once. The button, or Shift pressed three times, blanks the page and
// replaces it with a neutral website. location.replace() takes this page out of the
// tab's history, so Back does not bring it up again. Without JavaScript the button is
// an ordinary link to the same website.
(function () {
  "use strict";

  var button = document.querySelector("[data-quick-exit]");
  if (!button) {
    return;
  }

  // Each press must follow the one before within a second, so that stray presses never
  // add up to an exit.
  var SHIFT_PRESS_WINDOW_MS = 1000;
  var shiftPresses = 0;
  var lastShiftPress = 0;

  // Tells screen reader users that the shortcut is counting, as GOV.UK's does.
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  button.parentNode.appendChild(status);

  function exitPage() {
    document.documentElement.classList.add("quick-exit-leaving");
    document.title = "Loading";
    window.location.replace(button.href);
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    exitPage();
  });

  document.addEventListener("keyup", function (event) {
    // Any other key starts the count again, so Shift held for capital letters while
    // typing never adds up to an exit.
    if (event.key === "Shift") {
      var now = Date.now();
      shiftPresses = now - lastShiftPress <= SHIFT_PRESS_WINDOW_MS ? shiftPresses + 1 : 1;
      lastShiftPress = now;
      if (shiftPresses === 3) {
        exitPage();
      } else {
        var left = 3 - shiftPresses;
        status.textContent = "Shift, press " + left + " more " + (left === 1 ? "time" : "times") + " to exit.";
      }
    } else if (shiftPresses) {
      shiftPresses = 0;
      status.textContent = "";
    }
  });
})();
