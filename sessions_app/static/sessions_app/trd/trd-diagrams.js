// Draws every <pre class="mermaid"> of a TRD page as SVG with the vendored Mermaid build.
// strict: diagram labels are sanitised and click handlers are off (TRDs are written by an LLM).
(function () {
  "use strict";
  function draw() {
    var blocks = document.querySelectorAll(".trd-doc pre.mermaid");
    if (!blocks.length || !window.mermaid) {
      return;
    }
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
    window.mermaid.run({ nodes: blocks, suppressErrors: true }).finally(function () {
      document.documentElement.setAttribute("data-trd-diagrams", "drawn");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
