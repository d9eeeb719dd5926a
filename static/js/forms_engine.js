// Online forms: hide a question until the answer it depends on (on the same page) is given.
// For comfort only: the server decides what is shown, required and kept, with or without this.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-testid=page-form]");
  if (!form) return;
  const dependants = Array.from(form.querySelectorAll("[data-reveal-field]")).filter(
    (el) => el.dataset.revealField
  );
  if (!dependants.length) return;
  const valuesOf = (name) => {
    const inputs = Array.from(form.elements).filter((el) => el.name === name);
    return inputs
      .filter((el) => (el.type === "radio" || el.type === "checkbox" ? el.checked : true))
      .map((el) => (el.value || "").trim().toLowerCase());
  };
  const update = () => {
    for (const el of dependants) {
      const wanted = (el.dataset.revealValue || "").trim().toLowerCase();
      const shown = valuesOf(el.dataset.revealField).includes(wanted);
      el.hidden = !shown;
      const note = el.querySelector(".app-reveal-note");
      if (note) note.hidden = true;
    }
  };
  form.addEventListener("change", update);
  update();
});
