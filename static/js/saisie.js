// Progressive enhancement of the long lists of choices: filter the shown items as one types.
// Everything works without this script: the « Chercher » button asks the server for the same filtering.
(function () {
  "use strict";

  function normaliser(texte) {
    return texte.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  document.querySelectorAll("input[data-filtre-liste]").forEach(function (recherche) {
    var liste = document.getElementById(recherche.getAttribute("data-filtre-liste"));
    if (!liste) {
      return;
    }
    recherche.addEventListener("input", function () {
      var terme = normaliser(recherche.value.trim());
      liste.querySelectorAll("label.choix").forEach(function (choix) {
        var coche = choix.querySelector("input:checked") !== null;
        choix.hidden = !coche && terme !== "" && normaliser(choix.textContent).indexOf(terme) === -1;
      });
    });
    recherche.addEventListener("keydown", function (evenement) {
      // Enter searches this list rather than submitting the whole form.
      if (evenement.key === "Enter") {
        evenement.preventDefault();
        var bouton = recherche.parentNode.querySelector("button[name='_filtrer']");
        if (bouton) {
          bouton.click();
        }
      }
    });
  });
})();
