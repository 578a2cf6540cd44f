// The typing test's live count: characters typed so far, whitespace ignored; what an input
// method is still composing never counts (the server scores the text again on hand-in).
(function () {
  var form = document.getElementById("typing-form");
  if (!form) { return; }
  var box = form.querySelector("textarea");
  var out = document.getElementById("typed-count");
  var composing = false;
  function count() { if (!composing) { out.textContent = box.value.replace(/\s/g, "").length; } }
  box.addEventListener("compositionstart", function () { composing = true; });
  box.addEventListener("compositionend", function () { composing = false; count(); });
  box.addEventListener("input", count);
  count();
})();
