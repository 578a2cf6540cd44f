// The SMS composer's length count, as the outbox will bill it (messaging/rules.py): the line's
// signature 【…】 in front unless the text has one, " 回复TD退订" at the end of notices and
// reminders, 70 characters a message, 67 a part when split.
(function () {
  var SIGNED = /^【[^】]{1,20}】/;
  var OPT_OUT = "回复TD退订";
  function text(box) {
    var value = box.value.trim();
    if (!value) return "";
    var line = document.getElementById(box.dataset.line || "");
    var option = line && line.selectedOptions ? line.selectedOptions[0] : null;
    var sign = (option && option.dataset.signature) || box.dataset.signature || "";
    if (sign && !SIGNED.test(value)) value = sign + value;
    var kind = document.getElementById(box.dataset.kind || "");
    var k = kind ? kind.value : "";
    if ((k === "notice" || k === "reminder") && !value.replace(/\s+$/, "").endsWith(OPT_OUT)) {
      value = value.replace(/\s+$/, "") + " " + OPT_OUT;
    }
    return value;
  }
  function update(box) {
    var out = document.getElementById(box.dataset.counter);
    if (!out) return;
    var single = parseInt(box.dataset.single, 10), part = parseInt(box.dataset.part, 10);
    var n = Array.from(text(box)).length;
    var parts = n === 0 ? 0 : (n <= single ? 1 : Math.ceil(n / part));
    out.textContent = out.dataset.template.replace("%(n)s", n).replace("%(parts)s", parts);
    out.dataset.parts = parts;
  }
  function all() {
    document.querySelectorAll("[data-sms-counter]").forEach(update);
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches("[data-sms-counter]")) update(e.target);
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches("select")) all();
  });
  document.addEventListener("DOMContentLoaded", all);
})();
