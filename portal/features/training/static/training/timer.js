// The countdown on a facilitated session's step: start, reset, and a spoken note at zero.
// Without JavaScript the step still shows its suggested minutes.
(function () {
  "use strict";
  document.querySelectorAll("[data-timer]").forEach(function (timer) {
    var minutes = parseInt(timer.getAttribute("data-minutes"), 10) || 10;
    var display = timer.querySelector("[data-timer-display]");
    var status = timer.querySelector("[data-timer-status]");
    var start = timer.querySelector("[data-timer-start]");
    var reset = timer.querySelector("[data-timer-reset]");
    var left = minutes * 60;
    var ticking = null;

    function show() {
      var m = Math.floor(left / 60);
      var s = left % 60;
      display.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    }

    function stop() {
      if (ticking !== null) {
        clearInterval(ticking);
        ticking = null;
      }
      start.textContent = "Start timer";
    }

    start.addEventListener("click", function () {
      if (ticking !== null) {
        stop();
        status.textContent = "Timer paused.";
        return;
      }
      start.textContent = "Pause timer";
      status.textContent = "Timer started: " + Math.ceil(left / 60) + " minutes.";
      ticking = setInterval(function () {
        left = Math.max(0, left - 1);
        show();
        if (left === 0) {
          stop();
          timer.classList.add("timer-done");
          status.textContent = "Time is up for this step.";
        }
      }, 1000);
    });

    reset.addEventListener("click", function () {
      stop();
      left = minutes * 60;
      timer.classList.remove("timer-done");
      show();
      status.textContent = "Timer reset.";
    });

    start.hidden = false;
    reset.hidden = false;
    show();
  });
})();
