// pantau review app: keyboard shortcuts (no eval, no inline code; CSP script-src 'self').
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(el.type)));
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      var form = ev.target && ev.target.form;
      if (form && form.classList.contains("decision")) { ev.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) { return; }
    var el = document.querySelector('[data-key="' + ev.key.toLowerCase() + '"]');
    if (!el) { return; }
    ev.preventDefault();
    if (el.type === "radio") {
      el.checked = true;
      var area = el.form && el.form.querySelector("textarea[name=alasan]");
      if (area) { area.focus(); }
    } else {
      el.click();
    }
  });
})();
