/* Answer sheet: a print button and "copy as plain text" (navigator.clipboard). The page works
   without this file: the text area holds the same text, and the browser prints the sheet. */
(function () {
  "use strict";

  function init() {
    var printButton = document.getElementById("print-sheet");
    if (printButton && typeof window.print === "function") {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }

    var copyButton = document.getElementById("copy-sheet");
    var text = document.getElementById("sheet-text");
    var status = document.getElementById("copy-status");
    if (!copyButton || !text) { return; }
    copyButton.hidden = false;
    copyButton.addEventListener("click", function () {
      function done(ok) {
        if (status) { status.textContent = copyButton.getAttribute(ok ? "data-done" : "data-failed") || ""; }
        if (!ok) { text.focus(); text.select(); }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.value).then(function () { done(true); }, function () { done(false); });
        return;
      }
      // Without the asynchronous clipboard (plain http on a LAN address): select and copy.
      text.focus();
      text.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
