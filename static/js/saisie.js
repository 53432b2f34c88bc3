// Progressive enhancement of the long lists of choices: search them as one types and say how many items match.
// Everything works without this script: « Rechercher » asks the server for the same search. The items come from
// the chooser's catalogue (a JSON data block) and its texts from its data-* attributes, already translated.
(function () {
  "use strict";

  function normaliser(texte) {
    return texte.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function remplir(modele, valeurs) {
    return modele.replace(/%\((\w+)\)s/g, function (tout, nom) {
      return Object.prototype.hasOwnProperty.call(valeurs, nom) ? String(valeurs[nom]) : tout;
    });
  }

  function libelleDe(choix) {
    return choix.textContent.trim();
  }

  function installer(bloc) {
    var id = bloc.getAttribute("data-choix");
    var recherche = document.getElementById(id + "_recherche");
    var liste = document.getElementById(id + "_liste");
    var selection = document.getElementById(id + "_selection");
    var selectionVide = document.getElementById(id + "_selection_vide");
    var statut = document.getElementById(id + "_statut");
    var donnees = document.getElementById(id + "_catalogue");
    if (!recherche || !liste || !selection || !statut || !donnees) {
      return;
    }
    var catalogue = JSON.parse(donnees.textContent);
    var connues = {};
    catalogue.forEach(function (item) {
      connues[item[0]] = true;
    });
    var limite = parseInt(bloc.getAttribute("data-limite"), 10) || 0;
    var modele = liste.querySelector("input") || selection.querySelector("input");
    var type = modele ? modele.type : "checkbox";
    var nom = recherche.name.replace(/_recherche$/, "");
    var texte = function (cle) {
      return bloc.getAttribute("data-texte-" + cle) || "";
    };

    function annoncer(message) {
      statut.textContent = message;
    }

    function majSelectionVide() {
      if (selectionVide) {
        selectionVide.hidden = selection.querySelector("label.choix") !== null;
      }
    }

    // A ticked match joins the selection when the results change, so that it stays in view and in the form.
    function garderLesCochees() {
      liste.querySelectorAll("label.choix").forEach(function (choix) {
        if (choix.querySelector("input:checked")) {
          selection.appendChild(choix);
        }
      });
      if (type === "radio") {
        // One choice only: the one ticked before goes back among the others.
        selection.querySelectorAll("label.choix").forEach(function (choix) {
          var champ = choix.querySelector("input");
          if (!champ.checked) {
            if (!connues[champ.value]) {
              catalogue.push([champ.value, libelleDe(choix), false]);
              connues[champ.value] = true;
            }
            choix.remove();
          }
        });
      }
      majSelectionVide();
    }

    function creerChoix(valeur, libelle) {
      var etiquette = document.createElement("label");
      var champ = document.createElement("input");
      etiquette.className = "choix";
      champ.type = type;
      champ.name = nom;
      champ.value = valeur;
      champ.id = id + "_js_" + valeur;
      etiquette.htmlFor = champ.id;
      etiquette.appendChild(champ);
      etiquette.appendChild(document.createTextNode(" " + libelle));
      return etiquette;
    }

    function chercher() {
      garderLesCochees();
      var saisi = recherche.value.trim();
      var terme = normaliser(saisi);
      var dejaChoisies = {};
      selection.querySelectorAll("input").forEach(function (champ) {
        dejaChoisies[champ.value] = true;
      });
      var trouvees = catalogue.filter(function (item) {
        if (dejaChoisies[item[0]]) {
          return false;
        }
        return terme === "" ? item[2] : normaliser(item[1]).indexOf(terme) !== -1;
      });
      var montrees = limite ? trouvees.slice(0, limite) : trouvees;
      liste.textContent = "";
      montrees.forEach(function (item) {
        liste.appendChild(creerChoix(item[0], item[1]));
      });
      var valeurs = { n: trouvees.length, terme: saisi, limite: limite };
      if (terme === "") {
        annoncer(texte("vide"));
      } else if (trouvees.length === 0) {
        annoncer(remplir(texte("aucun"), valeurs));
      } else if (montrees.length < trouvees.length) {
        annoncer(remplir(texte("trop"), valeurs));
      } else if (trouvees.length === 1) {
        annoncer(remplir(texte("un"), valeurs));
      } else {
        annoncer(remplir(texte("plusieurs"), valeurs));
      }
    }

    var attente = null;
    recherche.addEventListener("input", function () {
      window.clearTimeout(attente);
      attente = window.setTimeout(chercher, 150);
    });
    recherche.addEventListener("keydown", function (evenement) {
      // Enter searches this list rather than submitting the whole form: the results are already here.
      if (evenement.key === "Enter") {
        evenement.preventDefault();
        window.clearTimeout(attente);
        chercher();
      }
    });
    bloc.addEventListener("change", function (evenement) {
      var champ = evenement.target;
      if (champ.name !== nom) {
        return;
      }
      var choix = champ.closest("label.choix");
      var libelle = choix ? libelleDe(choix) : champ.value;
      annoncer(remplir(texte(champ.checked ? "ajout" : "retrait"), { nom: libelle }));
    });
  }

  document.querySelectorAll("fieldset[data-choix]").forEach(installer);
})();
