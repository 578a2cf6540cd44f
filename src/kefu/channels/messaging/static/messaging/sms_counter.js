// The SMS composer's length count: 70 characters a message, 67 a part when split.
(function () {
  function update(box) {
    var out = document.getElementById(box.dataset.counter);
    if (!out) return;
    var single = parseInt(box.dataset.single, 10), part = parseInt(box.dataset.part, 10);
    var sign = box.dataset.signature || "";
    var n = Array.from(sign + box.value.trim()).length;
    var parts = n === 0 ? 0 : (n <= single ? 1 : Math.ceil(n / part));
    out.textContent = out.dataset.template.replace("%(n)s", n).replace("%(parts)s", parts);
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches("[data-sms-counter]")) update(e.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-sms-counter]").forEach(update);
  });
})();
