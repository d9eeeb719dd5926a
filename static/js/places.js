// The gazetteer address picker: a picked address fills the form's place fields.
(() => {
  const FIELDS = { line1: "address_line_1", postcode: "postcode", uprn: "uprn", usrn: "usrn", latitude: "latitude", longitude: "longitude" };
  // An address question in parts (the online forms): line 1, line 2, town, postcode, UPRN.
  const PARTS = { first: "line_1", second: "line_2", town: "town", postcode: "postcode", uprn: "uprn" };

  document.querySelectorAll(".app-js-only").forEach((el) => { el.hidden = false; });

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".app-address-pick");
    if (!button) return;
    const picker = button.closest(".app-address-picker");
    const form = button.closest("form");
    const prefix = picker.dataset.prefix || "";
    const fields = picker.dataset.names === "parts" ? PARTS : FIELDS;
    for (const [key, name] of Object.entries(fields)) {
      const input = form.querySelector(`[name="${prefix}${name}"]`);
      if (input) input.value = button.dataset[key] || "";
    }
    const picked = picker.querySelector(".app-address-picked");
    picked.textContent = `Picked: ${button.dataset.label} (UPRN ${button.dataset.uprn})`;
    picked.hidden = false;
    picker.querySelector(".app-address-results").replaceChildren();
    // Whatever listens for the place changing (the "open reports like this" panel) hears it.
    form.dispatchEvent(new CustomEvent("place-picked", { bubbles: true }));
    const next = form.querySelector(`[name="${prefix}description"]`) || form.querySelector("button[type=submit]");
    if (next && !next.value) next.focus(); else picked.focus?.();
  });
})();
