// The Continuum of Support guide (ContinuumOfSupportPage), enhanced: the answer follows
// each tick without leaving the page, and screen readers hear its summary through the
// status region. The answer is the server's own, fetched from the address the form would
// go to, so it is the same with JavaScript off; only the ticked indicators' identifiers
// and the age group are sent, as the form would send them. The age filter hides the
// indicators for other ages at once.
(function () {
  "use strict";

  var form = document.querySelector("[data-continuum-guide]");
  if (!form || !window.fetch || !window.DOMParser) {
    return;
  }
  var announcement = document.querySelector("[data-guide-announcement]");
  var age = form.querySelector("select[name=age]");
  var ageButton = form.querySelector("[data-guide-age-button]");
  var latest = 0;

  function showIndicatorsForAge() {
    form.querySelectorAll("[data-age-groups]").forEach(function (item) {
      var groups = item.getAttribute("data-age-groups").split(" ").filter(Boolean);
      var checkbox = item.querySelector("input");
      item.hidden = age.value !== "" && groups.length > 0 &&
        groups.indexOf(age.value) === -1 && !checkbox.checked;
    });
  }

  function guideAddress() {
    var query = new URLSearchParams(new FormData(form)).toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  // Resolves true once the answer on the page is the one for the current ticks.
  function updateAnswer() {
    var request = ++latest;
    var address = guideAddress();
    return fetch(address, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("The guide's answer could not be loaded");
        }
        return response.text();
      })
      .then(function (html) {
        if (request !== latest) {
          return false;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-guide-result]");
        var current = document.querySelector("[data-guide-result]");
        if (!fresh || !current) {
          return false;
        }
        current.replaceWith(document.adoptNode(fresh));
        window.history.replaceState(null, "", address);
        announcement.textContent = fresh.getAttribute("data-summary");
        return true;
      });
  }

  if (ageButton) {
    ageButton.hidden = true;
  }
  age.addEventListener("change", function () {
    showIndicatorsForAge();
    updateAnswer().catch(function () {});
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "indicator") {
      updateAnswer().catch(function () {});
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    updateAnswer().then(
      function (updated) {
        if (updated) {
          document.querySelector("[data-guide-result]").focus();
        }
      },
      function () {
        // Without an answer in place, the form goes to the next page as without JavaScript.
        form.submit();
      }
    );
  });
})();
