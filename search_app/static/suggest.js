/* Search-as-you-type for form#search-form: the ARIA 1.2 combobox pattern over /api/suggest.
   Progressive enhancement: without this file the form is a plain GET form. No inline handlers
   (the Content-Security-Policy allows scripts from this site only). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 1;

  function init() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var list = document.getElementById("suggestions");
    var status = document.getElementById("suggest-status");
    if (!form || !input || !list || !window.fetch) { return; }

    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = null;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function announce(n) {
      if (!status) { return; }
      if (n === 0) { status.textContent = status.getAttribute("data-none") || ""; return; }
      var text = n === 1 ? status.getAttribute("data-one") : status.getAttribute("data-many");
      status.textContent = (text || "").replace("{n}", String(n));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function label(item) {
      return english && item.text_en ? item.text_en : item.text;
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      active = -1;
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.className = "suggestion-option kind-" + item.kind;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var text = document.createElement("span");
        text.className = "suggestion-text";
        text.textContent = label(item);
        li.appendChild(text);
        if (item.means) {
          var means = document.createElement("span");
          means.className = "suggestion-means";
          means.textContent = " → " + item.means;
          li.appendChild(means);
        }
        var kind = document.createElement("span");
        kind.className = "suggestion-kind";
        kind.textContent = list.getAttribute("data-kind-" + item.kind) || "";
        li.appendChild(kind);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      announce(items.length);
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      close();
      if (item.kind === "policy" && item.id) {
        window.location.href = form.getAttribute("data-policy-url").replace(/ID$/, encodeURIComponent(item.id));
      } else if (item.kind === "package" && item.key) {
        var parts = item.key.split("/");
        window.location.href = form.getAttribute("data-package-url")
          .replace("REGION", encodeURIComponent(parts[0])).replace("SCENARIO", encodeURIComponent(parts[1]));
      } else {
        input.value = item.text;
        form.submit();
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS) { lastQuery = null; render([]); return; }
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q);
      window.fetch(url, { headers: { "Accept": "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (resp) { return resp.ok ? resp.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() === q && document.activeElement === input) { render(data.suggestions || []); }
        })
        .catch(function () { /* aborted or offline: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) { lastQuery = null; fetchSuggestions(); return; }
          setActive(active + 1 < items.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          if (!open) { return; }
          event.preventDefault();
          setActive(active > 0 ? active - 1 : items.length - 1);
          break;
        case "Enter":
          if (open && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
    form.addEventListener("submit", function () { clearTimeout(timer); close(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* The search page's filters: folded behind a "Filters" button on a phone (a <details>, which works
   without this file); unfolded on a wide screen, where they are a column beside the results. */
(function () {
  "use strict";
  function unfold() {
    var filters = document.getElementById("filters");
    if (filters && window.matchMedia && window.matchMedia("(min-width: 761px)").matches) {
      filters.open = true;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", unfold);
  } else {
    unfold();
  }
})();
