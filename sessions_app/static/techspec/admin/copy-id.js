/* Copy buttons beside shortened ids (techspec_project/admin_display.short_id).
   A static file with no dependencies, so the admin needs no inline script (CSP). */
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.ts-copy") : null;
    if (!button) { return; }
    event.preventDefault();
    event.stopPropagation();
    copy(button.getAttribute("data-copy")).then(function () {
      var title = button.getAttribute("title");
      button.classList.add("ts-copied");
      button.setAttribute("title", "Copied");
      window.setTimeout(function () {
        button.classList.remove("ts-copied");
        button.setAttribute("title", title);
      }, 1200);
    });
  });
})();
