// The ticket list's bulk selection (tickets/ticket_list.html): a checkbox per row
// ([data-select-row], in #bulk-form through form=), "select every ticket on this page"
// ([data-select-all]), the count of selected tickets, and the action buttons enabled only
// while something is selected. The rows are replaced by htmx when filters change.
(() => {
  const rows = () => Array.from(document.querySelectorAll("[data-select-row]"));

  const refresh = () => {
    const all = rows();
    const picked = all.filter((box) => box.checked).length;
    document.querySelectorAll("[data-bulk-count]").forEach((el) => { el.textContent = String(picked); });
    document.querySelectorAll("[data-bulk-action]").forEach((el) => { el.disabled = picked === 0; });
    document.querySelectorAll("[data-select-all]").forEach((box) => {
      box.checked = all.length > 0 && picked === all.length;
      box.indeterminate = picked > 0 && picked < all.length;
    });
  };

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (!(el instanceof Element)) return;
    if (el.matches("[data-select-all]")) {
      rows().forEach((box) => { box.checked = el.checked; });
    }
    if (el.matches("[data-select-all], [data-select-row]")) refresh();
  });

  document.addEventListener("htmx:afterSwap", refresh);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
