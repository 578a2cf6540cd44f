// "/" anywhere focuses the top bar's search box, unless the user is typing in a field.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  const box = document.getElementById("global-search-q");
  if (!box) return;
  event.preventDefault();
  // on a narrow screen the box sits in the collapsed menu: open it first
  const menu = box.closest(".collapse");
  if (menu && !menu.classList.contains("show") && window.bootstrap) {
    window.bootstrap.Collapse.getOrCreateInstance(menu).show();
  }
  box.focus();
  box.select();
});
