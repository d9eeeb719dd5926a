// Copy the citizen's tracking link; without JavaScript (or clipboard access) staff select the box.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const box = document.getElementById(button.dataset.copyTarget);
    navigator.clipboard.writeText(box.value).then(
      () => { document.getElementById("tracking-url-copied").textContent = "Link copied."; },
      () => { box.select(); },
    );
  });
});
