// Print buttons on guide pages (no inline script: the CSP allows only our own files).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
