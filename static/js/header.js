// The header menu is a DSFR modal on small screens: DSFR's script gives it the dialog role
// when it opens, and the dialog is named by the menu button. aria-labelledby is invalid on a
// plain div in the served HTML, so it is set here, before DSFR's script starts.
document
  .getElementById("header-menu-modal")
  ?.setAttribute("aria-labelledby", "header-menu-button");
