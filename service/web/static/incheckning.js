// The door's check-in page (/arrangor/moten/{id}/incheckning): a small enhancement of a page that
// works without it. (1) The search box filters the list as one types, as the GET search does on
// the server: name or organisation, in any case. (2) Every ten seconds, while the page is shown,
// the page is fetched again and its counts and lists replace these, so that what another phone
// ticked shows up here. Nothing is sent but that GET; checking in stays a form's POST.
(function () {
  "use strict";
  var search = document.querySelector("[data-door-search]");
  var shown = document.getElementById("incheckning-filtrerat");
  if (!search) return;

  function fold(text) {
    return (text || "").toLocaleLowerCase("sv").trim();
  }

  function filter() {
    var needle = fold(search.value);
    var count = 0;
    document.querySelectorAll("[data-door-list] > li").forEach(function (item) {
      var match = needle === "" || fold(item.getAttribute("data-door-text")).indexOf(needle) !== -1;
      item.hidden = !match;
      if (match) count += 1;
    });
    if (shown) shown.textContent = needle === "" ? "" : shown.getAttribute("data-door-shown").replace("{count}", count);
  }

  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(filter, 120);
  });

  // The parts a refresh replaces: never one that holds the focus (a button being pressed).
  var parts = ["incheckning-antal", "incheckning"];
  function refresh() {
    if (document.hidden) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) {
        if (!answer.ok || answer.redirected) return null;
        return answer.text();
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (id) {
          var here = document.getElementById(id);
          var there = fresh.getElementById(id);
          if (!here || !there || here.contains(document.activeElement)) return;
          if (here.innerHTML !== there.innerHTML) here.innerHTML = there.innerHTML;
        });
        filter();
      })
      .catch(function () {});
  }
  setInterval(refresh, 10000);
  filter();
})();
