// Progress of a report being prepared by the server: asks for its state every second (the same address, as JSON)
// and starts the download once it is ready. Without this script the page reloads itself every few seconds.
(function () {
  "use strict";

  var bloc = document.getElementById("preparation-rapport");
  if (!bloc || !window.fetch) {
    return;
  }
  var etat = document.getElementById("etat-rapport");
  var barre = document.getElementById("progression-rapport");
  var url = bloc.getAttribute("data-url");

  function afficher(reponse) {
    etat.textContent = reponse.libelle + (reponse.ecoule ? " (" + Math.round(reponse.ecoule) + " s)" : "");
    if (reponse.attendu) {
      barre.hidden = false;
      barre.value = Math.min(95, Math.round((100 * reponse.ecoule) / reponse.attendu));
    }
  }

  function demander() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected || !r.ok || (r.headers.get("Content-Type") || "").indexOf("application/json") !== 0) {
          // Signed out meanwhile, or the server could not answer: the page itself says what to do.
          window.location.reload();
          return new Promise(function () {});
        }
        return r.json();
      })
      .then(function (reponse) {
        if (reponse.pret) {
          barre.hidden = false;
          barre.value = 100;
          etat.textContent = bloc.getAttribute("data-pret");
          window.location.assign(reponse.url);
          return;
        }
        if (reponse.etat === "echec") {
          etat.textContent = bloc.getAttribute("data-echec");
          return;
        }
        afficher(reponse);
        window.setTimeout(demander, 1000);
      })
      .catch(function () {
        window.setTimeout(demander, 3000);
      });
  }

  window.setTimeout(demander, 1000);
})();
