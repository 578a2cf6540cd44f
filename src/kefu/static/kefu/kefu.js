// Behaviour hooks by data- attribute (no inline handlers: the CSP forbids them).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("keydown", (event) => {
  // "/" focuses the page's search box, as in most helpdesks
  if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    const box = document.querySelector("[data-search-box]");
    if (box) { event.preventDefault(); box.focus(); }
  }
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});

// Intake screen (tickets/intake.html): keyboard-only customer search, picking and saving.
// form[data-submit-shortcut]: Ctrl+Enter (⌘+Enter) submits; Enter in [data-enter-next] moves on
// instead of submitting; [data-customer-search]: ↓ or Enter goes to the matches
// ([data-pick-customer]), ↑/↓ move among them, Enter picks (htmx loads the customer panel).
(() => {
  const focusables = (form) => Array.from(form.elements).filter(
    (el) => !el.disabled && el.type !== "hidden" && el.offsetParent !== null && el.tabIndex >= 0);
  const focusNext = (el) => {
    const list = focusables(el.form);
    const next = list[list.indexOf(el) + 1];
    if (next) next.focus();
  };
  const matches = () => Array.from(document.querySelectorAll("[data-pick-customer]"));

  document.addEventListener("keydown", (event) => {
    const el = event.target;
    if (!(el instanceof Element)) return;
    const form = el.closest("form[data-submit-shortcut]");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (el.matches("[data-customer-search]")) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        event.preventDefault();
        const first = matches()[0];
        if (first && event.key === "ArrowDown") first.focus();
        else if (first) first.click();
        else {
          const name = form.querySelector("[name=customer_name]");
          if (name) name.focus();
        }
      }
      return;
    }
    if (el.matches("[data-pick-customer]") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const list = matches();
      const i = list.indexOf(el) + (event.key === "ArrowDown" ? 1 : -1);
      if (i < 0) form.querySelector("[data-customer-search]").focus();
      else if (i < list.length) list[i].focus();
      return;
    }
    if (event.key === "Enter" && el.matches("[data-enter-next]")) {
      event.preventDefault();
      focusNext(el);
    }
  });

  // after a customer is picked: clear the matches and go on to the ticket fields
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "customer-panel") return;
    const results = document.getElementById("customer-results");
    if (results) results.replaceChildren();
    const next = document.querySelector("[data-focus-after-pick]");
    if (next) next.focus();
  });
})();

// htmx swaps no 4xx answer by default; an element marked [data-swap-errors] (the reply's "send
// again", the callback's "show number") shows the message the server rendered for it in place.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (status >= 400 && status < 500 && elt && elt.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// a [data-print] button prints the page (an onclick attribute would be blocked by the CSP)
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
