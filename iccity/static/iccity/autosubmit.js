/* Selects marked data-autosubmit send their form when changed (was an inline onchange, which the CSP forbids).
   Delegated from the document, so selects that htmx swaps in later work too. */
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.matches && select.matches("select[data-autosubmit]") && select.form) select.form.submit();
});
