// The notice form shows only what applies: the chosen orgs when sending to chosen orgs,
// the reply deadline when a reply is required, the campaign and due date for a task.
// Without script every field stays visible and the server checks the same rules.
(function () {
  "use strict";
  const form = document.getElementById("notice-form");
  if (!form) return;
  const blocks = form.querySelectorAll("[data-show-when]");

  function current(name) {
    const field = form.elements[name];
    if (!field) return "";
    if (field instanceof RadioNodeList) return field.value;
    if (field.type === "checkbox") return field.checked ? "on" : "";
    return field.value;
  }

  function update() {
    blocks.forEach(function (block) {
      const [name, values] = block.dataset.showWhen.split("=");
      block.hidden = !values.split(",").includes(current(name));
    });
  }

  form.addEventListener("change", update);
  update();
})();
