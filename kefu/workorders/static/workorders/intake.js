// Intake form keyboard helpers: Ctrl+Enter submits; "apply triage" copies the suggestion into the
// selects and remembers what was suggested, so the server can record the agent's corrections.
(function () {
  var form = document.getElementById("intake-form");
  if (!form) return;
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id !== "triage") return;
    var tags = e.target.querySelectorAll("[data-field]");
    tags.forEach(function (tag) {
      var hidden = document.getElementById("t-" + tag.dataset.field);
      if (hidden) hidden.value = tag.dataset.value || "";
    });
    var apply = document.getElementById("apply-triage");
    if (apply) apply.addEventListener("click", function () {
      tags.forEach(function (tag) {
        var select = document.getElementById("f-" + tag.dataset.field);
        if (select && tag.dataset.value && select.querySelector('option[value="' + tag.dataset.value + '"]')) {
          select.value = tag.dataset.value;
        }
      });
      document.getElementById("f-category").focus();
    });
  });
})();
