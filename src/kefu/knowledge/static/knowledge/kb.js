// Reply assistant: suggestions beside the reply box, /shortcut quick replies, live language
// check. Wired by data- attributes on [data-kb-assist] (the CSP forbids inline scripts).
(function () {
  function debounce(fn, ms) {
    let t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function load(url, params, target) {
    if (!target) return Promise.resolve();
    const qs = new URLSearchParams(params).toString();
    return fetch(url + "?" + qs, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => { target.innerHTML = html; });
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function countUse(url) {
    if (url) fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
  }
  document.querySelectorAll("[data-kb-assist]").forEach((panel) => {
    const box = document.getElementById(panel.dataset.kbBox);
    if (!box) return;
    const id = panel.dataset.kbBox;
    const shortcuts = document.getElementById(id + "-shortcuts");
    const check = document.getElementById(id + "-check");
    const suggest = document.getElementById(id + "-suggest");
    const ticket = panel.dataset.kbTicket || "";
    function typedShortcut() {
      const before = box.value.slice(0, box.selectionStart);
      const m = before.match(/(^|\s)\/([^\s\/]*)$/);
      return m ? m[2] : null;
    }
    // the quick-reply picker: ↑/↓ move the highlighted phrase, Enter (or Tab) inserts it,
    // Escape closes; the first phrase is highlighted when the list arrives
    function options() { return Array.from(shortcuts.querySelectorAll("[data-kb-insert]")); }
    function highlight(i) {
      const list = options();
      list.forEach((el, j) => {
        el.classList.toggle("active", j === i);
        el.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      if (list[i]) list[i].scrollIntoView({ block: "nearest" });
    }
    function current() { return options().findIndex((el) => el.classList.contains("active")); }
    box.addEventListener("keydown", (event) => {
      // a Chinese input method's Enter confirms the pinyin, not the phrase
      if (event.isComposing || event.keyCode === 229) return;
      const list = options();
      if (!list.length || typedShortcut() === null) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((current() + step + list.length) % list.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        (list[current()] || list[0]).click();
      } else if (event.key === "Escape") {
        event.preventDefault();
        shortcuts.innerHTML = "";
      }
    });
    const refresh = debounce(() => {
      const typed = typedShortcut();
      if (typed !== null) {
        load(panel.dataset.kbShortcut, { typed: typed, ticket: ticket }, shortcuts).then(() => {
          options().forEach((el) => el.setAttribute("role", "option"));
          highlight(0);
        });
      } else shortcuts.innerHTML = "";
      load(panel.dataset.kbCheck, { text: box.value }, check);
      load(panel.dataset.kbSuggest, { text: box.value }, suggest);
    }, 300);
    box.addEventListener("input", refresh);
    panel.addEventListener("click", (event) => {
      const insert = event.target.closest("[data-kb-insert]");
      if (insert) {
        let start = box.selectionStart;
        if (insert.hasAttribute("data-kb-replace-shortcut")) {
          const typed = typedShortcut();
          if (typed !== null) start -= typed.length + 1;
        }
        box.setRangeText(insert.dataset.kbInsert, start, box.selectionEnd, "end");
        shortcuts.innerHTML = "";
        countUse(insert.dataset.kbUse);
        box.focus();
        refresh();
        return;
      }
      const replace = event.target.closest("[data-kb-replace-all]");
      if (replace) {
        box.value = replace.dataset.kbReplaceAll;
        box.focus();
        refresh();
      }
    });
  });
})();
