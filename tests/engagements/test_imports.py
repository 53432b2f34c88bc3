"""Bulk import of achievements: upload, preview, confirm once; any bad line refuses the whole file."""

import csv
import datetime
import io

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from engagements import imports
from engagements.imports import analyser_fichier
from engagements.models import Objectif, Realisation
from engagements.services import motif_import

pytestmark = pytest.mark.django_db

ENTETE = "Code aire,Aire urbaine,Dispositif,Année,Unité,Date réalisation,Quantité réalisée,Commentaire"


def fichier(contenu, nom="realisations.csv", encodage="utf-8"):
    if isinstance(contenu, str):
        contenu = contenu.encode(encodage)
    return SimpleUploadedFile(nom, contenu)


def csv_lyon(*lignes):
    return "\n".join([ENTETE, *lignes]) + "\n"


BONNES_LIGNES = (
    "002,Lyon,Production de logements sociaux,2013,logements,15/06/2013,12,Livraison rue Garibaldi",
    "002,Lyon,logement_social,2013,,2013-09-30,8,",
)


def televerser(client, contenu, nom="realisations.csv"):
    return client.post(reverse("engagements:realisation_import"), {"fichier": fichier(contenu, nom)})


def jeton_de(reponse):
    return reponse["Location"].rstrip("/").rsplit("/", 1)[1]


def test_un_bon_fichier_est_apercu_puis_applique_une_seule_fois(client, monde):
    secretariat = monde.utilisateurs["secretariat"]
    client.force_login(secretariat)
    reponse = televerser(client, csv_lyon(*BONNES_LIGNES))
    assert reponse.status_code == 302
    assert Realisation.objects.count() == 1  # nothing is written before confirmation

    apercu = client.get(reponse["Location"])
    contenu = apercu.content.decode()
    assert apercu.status_code == 200
    assert "2 réalisations seront créées" in contenu
    assert "Livraison rue Garibaldi" in contenu
    assert "42 / 100" in contenu and "50 / 100" in contenu  # achieved total after each line: 30 + 12, then + 8
    assert "50,0\u202f%" in contenu

    confirmation = client.post(reponse["Location"])
    assert confirmation.status_code == 302
    assert confirmation["Location"] == reverse("engagements:objectif_list")
    assert "2 réalisations importées" in " ".join(str(m) for m in get_messages(confirmation.wsgi_request))
    importees = Realisation.objects.filter(objectif=monde.objectif_lyon).exclude(pk=monde.realisation_lyon.pk)
    assert sorted(importees.values_list("quantite", "commentaire")) == [(8, ""), (12, "Livraison rue Garibaldi")]
    assert {r.saisi_par for r in importees} == {secretariat}
    historiques = Realisation.history.filter(history_change_reason=motif_import(jeton_de(reponse)))
    assert historiques.count() == 2
    assert {h.history_user for h in historiques} == {secretariat}
    assert {h.history_type for h in historiques} == {"+"}

    # Confirming the same preview again (back button, double click) applies nothing.
    encore = client.post(reponse["Location"])
    assert encore["Location"] == reverse("engagements:realisation_import")
    assert "déjà été appliqué" in " ".join(str(m) for m in get_messages(encore.wsgi_request))
    assert Realisation.objects.filter(objectif=monde.objectif_lyon).count() == 3
    assert client.get(reponse["Location"])["Location"] == reverse("engagements:realisation_import")

    page = client.get(monde.objectif_lyon.get_absolute_url()).content.decode()
    assert "Réalisation du 15/06/2013" in page  # the imported rows are in the objective's history


def test_une_ligne_erronee_refuse_tout_le_fichier_avec_son_numero(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    reponse = televerser(
        client,
        csv_lyon(BONNES_LIGNES[0], "002,Lyon,Production de logements sociaux,2013,,31/02/2013,5,", BONNES_LIGNES[1]),
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Lignes refusées" in contenu
    assert "Ligne 3 : date « 31/02/2013 » illisible" in contenu
    assert "Ligne 2" not in contenu and "Ligne 4" not in contenu
    assert "rien n&#x27;a été enregistré" in contenu
    assert Realisation.objects.count() == 1
    assert not client.session.get("imports_realisations")


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        ("999,X,Production de logements sociaux,2013,,15/06/2013,5,", "aire urbaine « 999 » inconnue"),
        ("002,Lyon,Logements de fonction,2013,,15/06/2013,5,", "dispositif « Logements de fonction » inconnu"),
        (
            "002,Lyon,Production de logements sociaux,2016,,15/06/2016,5,",
            "année « 2016 » hors de la période du protocole",
        ),
        ("002,Lyon,Production de logements sociaux,2014,,15/06/2014,5,", "aucun objectif pour l'aire 002"),
        ("002,Lyon,Production de logements sociaux,2013,ménages,15/06/2013,5,", "aucun objectif pour l'aire 002"),
        ("002,Lyon,Production de logements sociaux,2013,,hier,5,", "date « hier » illisible"),
        ("002,Lyon,Production de logements sociaux,2013,,01/01/2012,5,", "antérieure à la signature du protocole"),
        ("002,Lyon,Production de logements sociaux,2013,,31/12/9999,5,", "date 31/12/9999 postérieure à aujourd'hui ("),
        ("002,Lyon,Production de logements sociaux,2013,,9999-12-31,5,", "date 31/12/9999 postérieure à aujourd'hui ("),
        ("002,Lyon,Production de logements sociaux,2013,,15/06/2013,-3,", "quantité -3 négative"),
        (
            "002,Lyon,Production de logements sociaux,2013,,15/06/2013,2.5,",
            "quantité « 2.5 » : un nombre entier est attendu",
        ),
        ("002,Lyon,Production de logements sociaux,2013,,15/06/2013,,", "quantité réalisée manquante"),
        ("002,Lyon,Production de logements sociaux,2013,,,4,", "date de réalisation manquante"),
        ("003,Marseille,Production de logements sociaux,2013,,15/06/2013,5,", "ne relève pas de vos conférences"),
    ],
)
def test_chaque_sorte_de_ligne_erronee(monde, ligne, message):
    analyse = analyser_fichier("r.csv", csv_lyon(BONNES_LIGNES[0], ligne).encode(), monde.utilisateurs["secretariat"])
    assert not analyse.acceptee
    assert len(analyse.erreurs) == 1
    assert analyse.erreurs[0].startswith("Ligne 3 : ")
    assert message in analyse.erreurs[0]


def test_une_date_posterieure_a_aujourd_hui_est_refusee_avec_son_numero(monde, monkeypatch):
    """Today is accepted, tomorrow is not, in a CSV as in a workbook whose cell is a real date."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2014, 3, 1))
    lignes = [
        "002,Lyon,logement_social,2013,,01/03/2014,1,",
        "",
        "002,Lyon,logement_social,2013,,02/03/2014,1,",
        "002,Lyon,logement_social,2013,,2014-03-02,1,",
    ]
    analyse = analyser_fichier("r.csv", csv_lyon(*lignes).encode(), monde.utilisateurs["uesl"])
    assert analyse.erreurs == [
        "Ligne 4 : date 02/03/2014 postérieure à aujourd'hui (01/03/2014).",
        "Ligne 5 : date 02/03/2014 postérieure à aujourd'hui (01/03/2014).",
    ]

    classeur = tablib.Dataset(headers=["Code aire", "Dispositif", "Année", "Date réalisation", "Quantité réalisée"])
    classeur.append(["002", "logement_social", 2013, datetime.date(2014, 3, 1), 1])
    classeur.append(["002", "logement_social", 2013, datetime.datetime(9999, 12, 31), 1])
    analyse = analyser_fichier("r.xlsx", classeur.export("xlsx"), monde.utilisateurs["uesl"])
    assert analyse.erreurs == ["Ligne 3 : date 31/12/9999 postérieure à aujourd'hui (01/03/2014)."]


def test_plusieurs_unites_demandent_la_colonne_unite(monde):
    Objectif.objects.create(
        aire=monde.aire_lyon, dispositif=monde.objectif_lyon.dispositif, annee=2013, cible=10, unite="menages"
    )
    sans_unite = (
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée\n002,logement_social,2013,15/06/2013,5\n"
    )
    analyse = analyser_fichier("r.csv", sans_unite.encode(), monde.utilisateurs["uesl"])
    assert analyse.erreurs == [
        "Ligne 2 : plusieurs objectifs correspondent (unités : logements, ménages) : précisez la colonne « Unité »."
    ]
    avec_unite = sans_unite.replace("Quantité réalisée\n", "Quantité réalisée,Unité\n").replace(",5\n", ",5,ménages\n")
    analyse = analyser_fichier("r.csv", avec_unite.encode(), monde.utilisateurs["uesl"])
    assert analyse.acceptee and analyse.lignes[0].objectif.unite == "menages"


def test_les_titres_d_un_export_dans_une_autre_langue_sont_acceptes(monde, monkeypatch):
    """An objectives export made in English comes back: its headings are those of the reader's language."""
    anglais = {
        "Code aire": "Area code",
        "Dispositif": "Scheme",
        "Année": "Year",
        "Date réalisation": "Achievement date",
        "Quantité réalisée": "Quantity achieved",
        "Unité": "Unit",
        "Commentaire": "Comment",
    }
    monkeypatch.setattr(imports, "gettext_lazy", anglais.get)
    monkeypatch.setattr(imports, "OBLIGATOIRES", {cle: anglais[str(v)] for cle, v in imports.OBLIGATOIRES.items()})
    contenu = (
        "Area code,Scheme,Year,Unit,Achievement date,Quantity achieved,Comment\n"
        "002,logement_social,2013,,15/06/2013,5,\n"
    )
    analyse = analyser_fichier("r.csv", contenu.encode(), monde.utilisateurs["uesl"])
    assert analyse.acceptee and analyse.lignes[0].quantite == 5
    francais = csv_lyon("002,Lyon,logement_social,2013,,15/06/2013,5,")
    assert analyser_fichier("r.csv", francais.encode(), monde.utilisateurs["uesl"]).acceptee


def test_colonne_manquante_et_fichier_illisible(monde):
    analyse = analyser_fichier("r.csv", b"Code aire,Dispositif,Ann\xc3\xa9e\n002,x,2013\n", monde.utilisateurs["uesl"])
    assert analyse.erreurs == [
        "Colonnes absentes : « Date réalisation », « Quantité réalisée » "
        "(colonnes lues : « Code aire », « Dispositif », « Année »)."
    ]
    analyse = analyser_fichier("r.xlsx", b"ceci n'est pas un classeur", monde.utilisateurs["uesl"])
    assert analyse.erreurs[0].startswith("Le fichier n'a pas pu être lu (")
    assert analyser_fichier("r.csv", ENTETE.encode(), monde.utilisateurs["uesl"]).erreurs == [
        "Le fichier ne contient aucune ligne de réalisation."
    ]


def test_extension_refusee_par_le_formulaire(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    reponse = televerser(client, csv_lyon(*BONNES_LIGNES), nom="realisations.pdf")
    assert "Le fichier doit être au format CSV (.csv) ou Excel (.xlsx)." in reponse.content.decode()


def test_l_export_des_objectifs_complete_se_reimporte(client, monde):
    """The import reads the export's own columns: labels of schemes and units, extra columns ignored."""
    client.force_login(monde.utilisateurs["uesl"])
    export = client.get(reverse("engagements:objectif_list") + "?_export=csv&aire=002").content.decode("utf-8")
    lignes = list(csv.DictReader(io.StringIO(export)))
    sortie = io.StringIO()
    ecrivain = csv.DictWriter(sortie, fieldnames=[*lignes[0], "Date réalisation", "Quantité réalisée"], delimiter=";")
    ecrivain.writeheader()
    for ligne in lignes:
        ecrivain.writerow({**ligne, "Date réalisation": "2013-11-30", "Quantité réalisée": "1 000"})
    analyse = analyser_fichier("export.csv", sortie.getvalue().encode("latin-1"), monde.utilisateurs["uesl"])
    assert analyse.erreurs == []
    assert [(ligne.objectif, ligne.quantite) for ligne in analyse.lignes] == [(monde.objectif_lyon, 1000)]


def test_un_classeur_xlsx(client, monde):
    client.force_login(monde.utilisateurs["secretariat"])
    classeur = tablib.Dataset(headers=["Code aire", "Dispositif", "Année", "Date réalisation", "Quantité réalisée"])
    classeur.append([2, "Production de logements sociaux", 2013, "2013-06-15", 7])
    reponse = televerser(client, classeur.export("xlsx"), nom="realisations.xlsx")
    assert reponse.status_code == 302, reponse.content.decode()[-2000:]
    client.post(reponse["Location"])
    assert Realisation.objects.filter(objectif=monde.objectif_lyon, quantite=7).count() == 1


def test_abandonner_un_import(client, monde):
    client.force_login(monde.utilisateurs["uesl"])
    reponse = televerser(client, csv_lyon(*BONNES_LIGNES))
    abandon = client.post(reponse["Location"], {"_abandonner": ""})
    assert abandon["Location"] == reverse("engagements:realisation_import")
    assert client.post(reponse["Location"])["Location"] == reverse("engagements:realisation_import")
    assert Realisation.objects.count() == 1


def test_la_confirmation_n_utilise_que_ce_que_le_serveur_a_verifie(client, monde):
    """Nothing the browser sends at confirmation is read: the lines come from the session."""
    client.force_login(monde.utilisateurs["uesl"])
    reponse = televerser(client, csv_lyon(BONNES_LIGNES[0]))
    client.post(reponse["Location"], {"quantite": "999999", "objectif": monde.objectif_marseille.pk})
    assert not Realisation.objects.filter(quantite=999999).exists()
    assert Realisation.objects.filter(objectif=monde.objectif_lyon, quantite=12).count() == 1


def test_l_objectif_sorti_du_perimetre_entre_l_apercu_et_la_confirmation(client, monde):
    client.force_login(monde.utilisateurs["secretariat"])
    reponse = televerser(client, csv_lyon(BONNES_LIGNES[0]))
    monde.lyon.secretariat.clear()
    monde.objectif_lyon.conference = None
    monde.objectif_lyon.save()
    monde.utilisateurs["uesl"].conferences_secretariat.add(monde.lyon)
    confirmation = client.post(reponse["Location"])
    assert confirmation.status_code in (302, 403)
    assert Realisation.objects.count() == 1
