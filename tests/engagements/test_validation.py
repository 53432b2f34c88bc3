"""Validation of achievements: submitted, returned, corrected, validated; four eyes; batches all or nothing; imports."""

import datetime
import re
import threading
import uuid

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from engagements import services
from engagements.avancement import EtatRealisation, avancement_national
from engagements.imports import LigneImport
from engagements.models import Objectif, Realisation
from partenariat.roles import synchroniser_roles
from tests.acteurs import connecte, construire_monde, prechauffer_alertes

pytestmark = pytest.mark.django_db
D = datetime.date
AU = D(2015, 12, 31)
NOM_LYON = "La réalisation du 12/03/2013 (Lyon — Production de logements sociaux 2013)"


def realise(objectif, provisoire=False):
    objectifs = Objectif.objects.filter(pk=objectif.pk)
    if provisoire:
        from engagements.avancement import annoter_avancement

        return annoter_avancement(objectifs, AU, provisoire=True).get().realise
    return objectifs.avec_avancement(AU).get().realise


def national():
    return avancement_national(AU)["totaux"]["realise_total"]


DATE_LYON = D(2013, 3, 12)


def saisir(monde, quantite=12, date=DATE_LYON, role="secretariat", objectif=None):
    realisation = Realisation(objectif=objectif or monde.objectif_lyon, date=date, quantite=quantite)
    return services.enregistrer_realisation(realisation, monde.utilisateurs[role])


def etats():
    return sorted(
        Realisation.objects.values_list(
            "pk", "etat", "version", "examinee_par", "examinee_le", "commentaire_examen", "quantite"
        )
    )


def messages_de(reponse):
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


# --- Lifecycle -----------------------------------------------------------------------------------------------------


def test_renvoyee_corrigee_puis_validee_avec_son_historique(monde):
    secretariat, uesl = monde.utilisateurs["secretariat"], monde.utilisateurs["uesl"]
    national_avant = national()
    realisation = saisir(monde, 12)
    assert (realisation.etat, realisation.saisi_par, realisation.modifie_par) == ("soumise", secretariat, secretariat)
    assert realisation.soumise_le is not None
    # Submitted: no validated figure moves, the provisional ones do.
    assert realise(monde.objectif_lyon) == 30
    assert realise(monde.objectif_lyon, provisoire=True) == 42
    assert national() == national_avant

    with pytest.raises(services.ErreurEngagement, match="un renvoi sans commentaire n'est pas enregistré"):
        services.renvoyer_realisation(realisation, uesl, realisation.version, "  ")
    services.renvoyer_realisation(realisation, uesl, realisation.version, "Quantité à vérifier : 10 ?")
    realisation.refresh_from_db()
    assert (realisation.etat, realisation.examinee_par, realisation.commentaire_examen) == (
        "renvoyee",
        uesl,
        "Quantité à vérifier : 10 ?",
    )
    assert realisation.examinee_le is not None
    assert realise(monde.objectif_lyon, provisoire=True) == 30  # a returned one counts nowhere

    premiere_soumission = realisation.soumise_le
    realisation.quantite = 10
    services.enregistrer_realisation(realisation, secretariat)
    realisation.refresh_from_db()
    assert (realisation.etat, realisation.examinee_par, realisation.commentaire_examen) == ("soumise", None, "")
    assert realisation.soumise_le > premiere_soumission

    services.valider_realisation(realisation, uesl, realisation.version, "Vu avec la conférence")
    assert (realisation.etat, realisation.examinee_par) == ("validee", uesl)
    assert realise(monde.objectif_lyon) == 40
    assert national() == national_avant + 10

    motifs = list(realisation.history.order_by("history_date").values_list("history_change_reason", "history_user"))
    assert motifs == [
        (services.MOTIF_SAISIE, secretariat.pk),
        (services.MOTIF_RENVOI, uesl.pk),
        (services.MOTIF_CORRECTION, secretariat.pk),
        (services.MOTIF_VALIDATION, uesl.pk),
    ]


def test_la_page_de_la_realisation_montre_l_etat_et_chaque_etape(client, monde):
    uesl = monde.utilisateurs["uesl"]
    realisation = saisir(monde, 12)
    services.renvoyer_realisation(realisation, uesl, realisation.version, "Date à vérifier")
    connecte(client, monde.utilisateurs["elu"])
    page = client.get(reverse("engagements:realisation_detail", args=[realisation.pk])).content.decode()
    assert "Renvoyée" in page
    assert "renvoyée pour correction par uesl-test le " in page
    assert "Date à vérifier" in page
    assert "<del>Soumise</del> → <ins>Renvoyée</ins>" in page
    assert "(Renvoi pour correction)" in page
    assert "Examiner la réalisation" not in page  # an elected official reads, never validates

    objectif = client.get(monde.objectif_lyon.get_absolute_url()).content.decode()
    assert '<span class="etat etat-en_retard">Renvoyée</span>' in objectif
    assert '<span class="etat etat-atteint">Validée</span>' in objectif  # the world's validated achievement


def test_corriger_une_realisation_validee_la_remet_en_attente(monde):
    realisation = Realisation.objects.get(pk=monde.realisation_lyon.pk)
    assert realise(monde.objectif_lyon) == 30
    realisation.quantite = 35
    services.enregistrer_realisation(realisation, monde.utilisateurs["secretariat"])
    realisation.refresh_from_db()
    assert realisation.etat == "soumise"
    assert realise(monde.objectif_lyon) == 0  # until validated again, the figure does not count it
    services.valider_realisation(realisation, monde.utilisateurs["uesl"], realisation.version)
    assert realise(monde.objectif_lyon) == 35


# --- Four eyes, state, version --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["uesl", "admin"])
def test_quatre_yeux_personne_ne_valide_ce_qu_il_a_saisi(monde, role):
    realisation = saisir(monde, 12, role=role)
    avant = etats()
    for examiner in (
        lambda: services.valider_realisation(realisation, monde.utilisateurs[role], realisation.version),
        lambda: services.renvoyer_realisation(realisation, monde.utilisateurs[role], realisation.version, "Non"),
    ):
        with pytest.raises(services.ErreurEngagement) as refus:
            examiner()
        assert refus.value.message == (
            f"{NOM_LYON} a été saisie ou modifiée en dernier par vous : une autre personne doit l'examiner."
        )
    assert etats() == avant


def test_quatre_yeux_qui_l_a_modifiee_en_dernier_non_plus(monde):
    uesl, admin = monde.utilisateurs["uesl"], monde.utilisateurs["admin"]
    realisation = saisir(monde, 12)
    realisation.quantite = 13
    services.enregistrer_realisation(realisation, uesl)  # corrected by UESL staff: they may not validate it
    with pytest.raises(services.ErreurEngagement, match="saisie ou modifiée en dernier par vous"):
        services.valider_realisation(realisation, uesl, realisation.version)
    services.valider_realisation(realisation, admin, realisation.version)
    assert realisation.etat == "validee"


def test_seules_les_soumises_s_examinent(monde):
    realisation = Realisation.objects.get(pk=monde.realisation_lyon.pk)
    with pytest.raises(services.ErreurEngagement, match=r"n'est plus en attente de validation \(validée\)"):
        services.valider_realisation(realisation, monde.utilisateurs["uesl"], realisation.version)


def test_une_version_perimee_est_refusee_sans_perte(monde):
    realisation = saisir(monde, 12)
    version_vue = realisation.version
    realisation.quantite = 14
    services.enregistrer_realisation(realisation, monde.utilisateurs["secretariat"])
    avant = etats()
    with pytest.raises(services.ErreurEngagement) as refus:
        services.valider_realisation(realisation, monde.utilisateurs["uesl"], version_vue)
    assert refus.value.message.startswith(f"{NOM_LYON} a été modifiée depuis que vous l'avez affichée")
    assert any(detail.startswith("Quantité : 12 → 14 (modifié par secretariat-lyon") for detail in refus.value.details)
    assert refus.value.version_actuelle == realisation.version
    assert etats() == avant


# --- Batches ---------------------------------------------------------------------------------------------------------


def test_un_lot_perime_est_refuse_entier_en_nommant_la_realisation(monde):
    uesl = monde.utilisateurs["uesl"]
    bonne = saisir(monde, 5, D(2013, 2, 1))
    changee = saisir(monde, 12)
    selection = {bonne.pk: bonne.version, changee.pk: changee.version}
    changee.quantite = 20
    services.enregistrer_realisation(changee, monde.utilisateurs["secretariat"])  # after the queue was displayed
    avant, national_avant = etats(), national()
    with pytest.raises(services.ErreurEngagement) as refus:
        services.valider_selection(selection, uesl)
    assert refus.value.message == f"{NOM_LYON} a changé depuis l'affichage de la file : rien n'a été validé."
    assert etats() == avant
    assert national() == national_avant


def test_un_lot_refuse_nomme_chaque_realisation_en_cause(monde):
    uesl = monde.utilisateurs["uesl"]
    bonne = saisir(monde, 5, D(2013, 2, 1))
    a_moi = saisir(monde, 7, D(2013, 3, 12), role="uesl")
    deja = Realisation.objects.get(pk=monde.realisation_lyon.pk)
    selection = {bonne.pk: bonne.version, a_moi.pk: a_moi.version, deja.pk: deja.version, 999_999: 1}
    avant = etats()
    with pytest.raises(services.ErreurEngagement) as refus:
        services.renvoyer_selection(selection, uesl, "À revoir")
    assert refus.value.message == "3 réalisations de la sélection sont refusées : rien n'a été renvoyé."
    assert refus.value.details == [
        "La réalisation du 01/04/2013 (Lyon — Production de logements sociaux 2013) n'est plus en attente de "
        "validation (validée).",
        f"{NOM_LYON} a été saisie ou modifiée en dernier par vous.",
        "La réalisation n° 999999 a été supprimée depuis l'affichage de la file.",
    ]
    assert etats() == avant


def test_un_lot_valide_tout_dans_une_transaction(monde):
    uesl = monde.utilisateurs["uesl"]
    lyon = [saisir(monde, 5, D(2013, 2, 1)), saisir(monde, 7, D(2013, 5, 1))]
    marseille = saisir(monde, 9, D(2013, 6, 1), role="secretariat_autre", objectif=monde.objectif_marseille)
    national_avant = national()
    validees = services.valider_selection({r.pk: r.version for r in [*lyon, marseille]}, uesl, "Conforme")
    assert [r.etat for r in validees] == ["validee"] * 3
    assert {r.commentaire_examen for r in validees} == {"Conforme"}
    assert national() == national_avant + 21
    assert realise(monde.objectif_marseille) == 9


def test_un_lot_vide_ou_sans_commentaire_de_renvoi(monde):
    with pytest.raises(services.ErreurEngagement, match="Cochez au moins une réalisation"):
        services.valider_selection({}, monde.utilisateurs["uesl"])
    realisation = saisir(monde)
    with pytest.raises(services.ErreurEngagement, match="sans commentaire"):
        services.renvoyer_selection({realisation.pk: realisation.version}, monde.utilisateurs["uesl"], "")
    assert Realisation.objects.get(pk=realisation.pk).etat == "soumise"


# --- The queue -------------------------------------------------------------------------------------------------------


def test_la_file_liste_les_soumises_et_valide_la_selection(client, monde):
    soumises = [saisir(monde, 5, D(2013, 2, 1)), saisir(monde, 12)]
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("validation:file")
    page = client.get(url).content.decode()
    for realisation in soumises:
        assert f'name="selection" value="{realisation.pk}:{realisation.version}"' in page
    assert f'value="{monde.realisation_lyon.pk}:' not in page  # validated: not in the queue
    assert "secretariat-lyon" in page
    assert 'href="/validation/" aria-current="page">À valider</a>' in page  # the header's link

    reponse = client.post(url, {"action": "valider", "selection": [f"{soumises[1].pk}:{soumises[1].version}"]})
    assert reponse.status_code == 302
    assert "1 réalisation validée" in messages_de(reponse)
    assert Realisation.objects.get(pk=soumises[1].pk).etat == "validee"
    assert Realisation.objects.get(pk=soumises[0].pk).etat == "soumise"


def test_la_file_refuse_un_renvoi_sans_commentaire_et_garde_la_selection(client, monde):
    realisation = saisir(monde)
    connecte(client, monde.utilisateurs["uesl"])
    valeur = f"{realisation.pk}:{realisation.version}"
    reponse = client.post(reverse("validation:file"), {"action": "renvoyer", "selection": [valeur]})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "le commentaire est obligatoire pour un renvoi" in contenu
    assert f'value="{valeur}" id="selection-{realisation.pk}" checked' in contenu
    assert Realisation.objects.get(pk=realisation.pk).etat == "soumise"


def test_la_file_refuse_un_lot_perime_en_le_nommant(client, monde):
    realisation = saisir(monde)
    connecte(client, monde.utilisateurs["uesl"])
    perimee = f"{realisation.pk}:{realisation.version}"
    realisation.quantite = 13
    services.enregistrer_realisation(realisation, monde.utilisateurs["secretariat"])
    avant = etats()
    reponse = client.post(reverse("validation:file") + "?aire=002", {"action": "valider", "selection": [perimee]})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "a changé depuis l&#x27;affichage de la file : rien n&#x27;a été validé." in contenu
    assert f'value="{realisation.pk}:{realisation.version}"' in contenu  # the fresh version, to decide again
    assert etats() == avant


def test_les_filtres_de_la_file(client, monde):
    lyon = saisir(monde, 5)
    marseille = saisir(monde, 9, role="secretariat_autre", objectif=monde.objectif_marseille)
    Realisation.objects.filter(pk=marseille.pk).update(soumise_le=datetime.datetime(2013, 1, 1, tzinfo=datetime.UTC))
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("validation:file")

    def affichees(**filtres):
        table = client.get(url, filtres).context["table"]
        return {r.pk for r in table.paginated_rows.data}

    assert affichees() == {lyon.pk, marseille.pk}
    assert affichees(conference=monde.lyon.pk) == {lyon.pk}
    assert affichees(aire="Marseille") == {marseille.pk}
    assert affichees(aire="002") == {lyon.pk}
    assert affichees(dispositif="accession_sociale") == set()
    assert affichees(soumise_par=monde.utilisateurs["secretariat_autre"].pk) == {marseille.pk}
    assert affichees(attente=30) == {marseille.pk}
    assert affichees(lot_import=str(uuid.uuid4())) == set()


def joindre_justificatif(realisation, nom, user):
    from partenariat.models import NaturePiece
    from partenariat.pieces_jointes import joindre_piece
    from tests.partenariat.fichiers_types import pdf

    return joindre_piece(realisation, NaturePiece.JUSTIFICATIF, SimpleUploadedFile(nom, pdf(), "application/pdf"), user)


def test_la_file_garde_un_nombre_de_requetes_constant(client, monde, django_assert_max_num_queries):
    connecte(client, monde.utilisateurs["uesl"])
    prechauffer_alertes(monde.utilisateurs["uesl"])
    premiere = saisir(monde, 1, D(2013, 2, 1))
    joindre_justificatif(premiere, "compte-rendu-1.pdf", monde.utilisateurs["secretariat"])
    with django_assert_max_num_queries(12) as peu:
        client.get(reverse("validation:file"))
    for jour in range(2, 25):
        if jour < 10:
            realisation = saisir(monde, jour, D(2013, 2, jour))
            for rang in range(2):
                joindre_justificatif(realisation, f"piece-{jour}-{rang}.pdf", monde.utilisateurs["secretariat"])
        else:
            saisir(monde, jour, D(2013, 2, jour), role="secretariat_autre", objectif=monde.objectif_marseille)
    with django_assert_max_num_queries(len(peu.captured_queries)):
        page = client.get(reverse("validation:file")).content.decode()
    assert page.count('name="selection"') == 24
    assert page.count("download>piece-") == 16


def test_la_file_montre_les_justificatifs_a_telecharger(client, monde):
    avec, sans = saisir(monde, 5, D(2013, 2, 1)), saisir(monde, 12)
    pieces = [joindre_justificatif(avec, nom, monde.utilisateurs["secretariat"]) for nom in ("cr.pdf", "liste.pdf")]
    connecte(client, monde.utilisateurs["uesl"])
    table = client.get(reverse("validation:file")).context["table"]
    cellules = {ligne.record.pk: ligne.get_cell("justificatifs") for ligne in table.paginated_rows}
    for piece in pieces:
        assert (
            f'<a href="{reverse("piece_jointe_detail", args=[piece.pk])}" download>{piece.nom_original}</a>'
            in (cellules[avec.pk])
        )
    assert cellules[sans.pk] == "—"
    telecharge = client.get(reverse("piece_jointe_detail", args=[pieces[0].pk]))
    assert telecharge.status_code == 200
    assert "attachment" in telecharge["Content-Disposition"]


# --- Import ----------------------------------------------------------------------------------------------------------


def test_l_import_cree_des_soumises_que_la_file_valide_en_un_lot(client, monde):
    secretariat, uesl = monde.utilisateurs["secretariat"], monde.utilisateurs["uesl"]
    jeton = uuid.uuid4()
    crees = services.importer_realisations(
        [LigneImport(n, monde.objectif_lyon, D(2013, 10, n), n) for n in range(2, 32)], secretariat, jeton
    )
    importees = Realisation.objects.filter(lot_import=jeton)
    assert importees.count() == 30 == len(crees)
    assert set(importees.values_list("etat", "saisi_par", "modifie_par")) == {
        ("soumise", secretariat.pk, secretariat.pk)
    }
    assert realise(monde.objectif_lyon) == 30  # nothing counts before validation
    saisir(monde, 100)  # not of the import: stays in the queue

    connecte(client, uesl)
    url = reverse("validation:file") + f"?lot_import={jeton}"
    page = client.get(url).content.decode()
    assert page.count('name="selection"') == 25  # one page of 25 rows…
    affichees = re.search(r'name="affichees" value="([^"]*)"', page).group(1)
    assert len(affichees.split(",")) == 30  # …and the whole import for « Valider tout ce qui est affiché »
    assert "Valider tout ce qui est affiché (30 réalisations, toutes pages)" in page

    reponse = client.post(url, {"action": "valider_tout", "affichees": affichees})
    assert reponse.status_code == 302
    assert "30 réalisations validées" in messages_de(reponse)
    assert set(importees.values_list("etat", flat=True)) == {"validee"}
    assert Realisation.objects.filter(etat="soumise").count() == 1
    assert realise(monde.objectif_lyon) == 30 + sum(range(2, 32))


def test_la_confirmation_d_import_mene_a_la_file_du_lot(client, monde):
    connecte(client, monde.utilisateurs["uesl"])
    contenu = (
        "Code aire,Dispositif,Année,Date réalisation,Quantité réalisée\n"
        f"002,{monde.objectif_lyon.get_dispositif_display()},2013,15/06/2013,12\n"
    )
    fichier = SimpleUploadedFile("realisations.csv", contenu.encode("utf-8"), content_type="text/csv")
    televersement = client.post(reverse("engagements:realisation_import"), {"fichier": fichier})
    jeton = televersement["Location"].rstrip("/").rsplit("/", 1)[1]
    reponse = client.post(televersement["Location"], follow=True)
    page = reponse.content.decode()
    assert "1 réalisation importée depuis « realisations.csv » et soumise à validation" in page
    assert f'<a href="/validation/?lot_import={jeton}">Voir cet import dans la file de validation</a>' in page
    assert Realisation.objects.get(quantite=12).lot_import == uuid.UUID(jeton)


# --- Per item, from the achievement's page ---------------------------------------------------------------------------


def test_valider_depuis_la_page_de_la_realisation(client, monde):
    realisation = saisir(monde)
    connecte(client, monde.utilisateurs["uesl"])
    page = client.get(reverse("engagements:realisation_detail", args=[realisation.pk])).content.decode()
    assert f'action="{reverse("validation:valider", args=[realisation.pk])}"' in page
    assert f'formaction="{reverse("validation:renvoyer", args=[realisation.pk])}"' in page
    assert f'name="version" value="{realisation.version}"' in page

    refus = client.post(reverse("validation:renvoyer", args=[realisation.pk]), {"version": realisation.version})
    assert refus.status_code == 200
    assert "le commentaire est obligatoire pour un renvoi" in refus.content.decode()
    assert Realisation.objects.get(pk=realisation.pk).etat == "soumise"

    reponse = client.post(
        reverse("validation:valider", args=[realisation.pk]), {"version": realisation.version, "commentaire": "OK"}
    )
    assert reponse["Location"] == reverse("validation:file")
    assert f"{NOM_LYON} est validée" in messages_de(reponse)
    realisation.refresh_from_db()
    assert (realisation.etat, realisation.commentaire_examen) == ("validee", "OK")


def test_la_file_ne_propose_pas_d_examiner_ce_qu_on_a_saisi(client, monde):
    a_moi = saisir(monde, 3, role="uesl")
    autre = saisir(monde, 4)
    connecte(client, monde.utilisateurs["uesl"])
    page = client.get(reverse("validation:file")).content.decode()
    assert f'value="{a_moi.pk}:' not in page
    assert "Votre saisie : une autre personne doit l&#x27;examiner" in page
    affichees = re.search(r'name="affichees" value="([^"]*)"', page).group(1)
    assert affichees == f"{autre.pk}:{autre.version}"
    assert "Valider tout ce qui est affiché (1 réalisation, toutes pages)" in page


def test_la_page_ne_propose_pas_d_examiner_ce_qu_on_a_saisi(client, monde):
    realisation = saisir(monde, role="admin")
    connecte(client, monde.utilisateurs["admin"])
    page = client.get(reverse("engagements:realisation_detail", args=[realisation.pk])).content.decode()
    assert "Examiner la réalisation" not in page
    assert "une autre personne doit la valider ou la renvoyer" in page


def test_une_version_perimee_sur_la_page_est_refusee_puis_confirmee(client, monde):
    realisation = saisir(monde)
    vue = realisation.version
    realisation.quantite = 20
    services.enregistrer_realisation(realisation, monde.utilisateurs["secretariat"])
    connecte(client, monde.utilisateurs["uesl"])
    url = reverse("validation:valider", args=[realisation.pk])
    refus = client.post(url, {"version": vue})
    contenu = refus.content.decode()
    assert refus.status_code == 200
    assert "a été modifiée depuis que vous l&#x27;avez affichée" in contenu
    assert f'name="version" value="{realisation.version}"' in contenu
    assert Realisation.objects.get(pk=realisation.pk).etat == EtatRealisation.SOUMISE
    assert client.post(url, {"version": realisation.version}).status_code == 302
    assert Realisation.objects.get(pk=realisation.pk).etat == EtatRealisation.VALIDEE


# --- Valid HTML ------------------------------------------------------------------------------------------------------


def test_les_pages_de_validation_sont_du_html_valide(client, monde, tmp_path):
    import shutil

    from tests.test_html_valide import VNU, erreurs_vnu

    if not shutil.which("java") or not VNU.exists():
        pytest.skip("java ou vnu.jar introuvable")
    commande = [shutil.which("java"), "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only"]
    realisation = saisir(monde)
    importee = services.importer_realisations(
        [LigneImport(2, monde.objectif_lyon, D(2013, 6, 1), 4)], monde.utilisateurs["secretariat"], uuid.uuid4()
    )[0]
    connecte(client, monde.utilisateurs["uesl"])
    detail = reverse("engagements:realisation_detail", args=[realisation.pk])
    pages = {
        "file": client.get(reverse("validation:file")).content.decode(),
        "file filtrée": client.get(
            reverse("validation:file"), {"lot_import": str(importee.lot_import)}
        ).content.decode(),
        "file vide": client.get(reverse("validation:file"), {"aire": "Paris"}).content.decode(),
        "file refusée": client.post(
            reverse("validation:file"), {"action": "renvoyer", "selection": [f"{realisation.pk}:1"]}
        ).content.decode(),
        "réalisation à examiner": client.get(detail).content.decode(),
        "examen refusé": client.post(
            reverse("validation:renvoyer", args=[realisation.pk]), {"version": realisation.version}
        ).content.decode(),
        "objectif": client.get(monde.objectif_lyon.get_absolute_url()).content.decode(),
    }
    services.renvoyer_realisation(realisation, monde.utilisateurs["uesl"], realisation.version, "À revoir")
    pages["réalisation renvoyée"] = client.get(detail).content.decode()
    erreurs = erreurs_vnu(commande, pages, tmp_path)
    assert not erreurs, "\n".join(erreurs)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="verrous de ligne : PostgreSQL seulement"
)
def test_deux_validateurs_en_meme_temps_un_seul_examen_passe():
    """Two validators deciding on the same achievement at the same instant: the row lock lets exactly one through."""
    synchroniser_roles()
    monde = construire_monde()
    realisation = saisir(monde)
    selection = {realisation.pk: realisation.version}
    barriere = threading.Barrier(2)
    resultats = []

    def examiner(fonction):
        try:
            barriere.wait(timeout=10)
            fonction()
            resultats.append("passé")
        except services.ErreurEngagement as refus:
            resultats.append(refus.message)
        finally:
            connection.close()

    def valider():
        services.valider_selection(selection, monde.utilisateurs["uesl"])

    def renvoyer():
        services.renvoyer_selection(selection, monde.utilisateurs["admin"], "À revoir")

    fils = [threading.Thread(target=examiner, args=(fonction,)) for fonction in (valider, renvoyer)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)
    assert resultats.count("passé") == 1, resultats
    (refus,) = [resultat for resultat in resultats if resultat != "passé"]
    assert f"{NOM_LYON} a changé depuis l'affichage de la file : rien n'a été" in refus
    assert Realisation.history.filter(id=realisation.pk).count() == 2  # the submission and one examination


@pytest.mark.parametrize(
    "parametres",
    [
        {"attente": "abc"},
        {"attente": "-3"},
        {"attente": "99999999999999999999"},
        {"lot_import": "pas-un-uuid"},
        {"lot_import": "\x00"},
        {"aire": "\x00"},
        {"conference": "99999999999999999999"},
        {"soumise_par": "\x00"},
        {"sort": "selection"},
        {"sort": "age"},
        {"sort": "-soumise_par"},
        {"per_page": "0"},
    ],
)
def test_la_file_ne_repond_jamais_par_une_erreur_serveur(client, monde, parametres):
    saisir(monde)
    connecte(client, monde.utilisateurs["uesl"])
    assert client.get(reverse("validation:file"), parametres).status_code == 200


@pytest.mark.parametrize(
    "donnees",
    [
        {"action": "valider", "selection": ["\x00"]},
        {"action": "valider", "selection": ["1:2:3"]},
        {"action": "valider", "selection": ["99999999999999999999:1"]},
        {"action": "valider_tout", "affichees": "x" * 50_000},
        {"action": "supprimer", "selection": ["1:1"]},
        {"action": "valider"},
        {},
    ],
)
def test_un_lot_illisible_est_refuse_sans_rien_ecrire(client, monde, donnees):
    saisir(monde)
    connecte(client, monde.utilisateurs["uesl"])
    avant = etats()
    reponse = client.post(reverse("validation:file"), donnees)
    assert reponse.status_code == 200
    assert reponse.context["formulaire"].errors
    assert etats() == avant


def test_l_export_de_la_file(client, monde):
    realisation = saisir(monde, 12)
    connecte(client, monde.utilisateurs["uesl"])
    reponse = client.get(reverse("validation:file"), {"_export": "csv"})
    lignes = b"".join(reponse.streaming_content if reponse.streaming else [reponse.content]).decode().splitlines()
    assert lignes[0].lstrip("\ufeff").startswith("Date,Objectif,Aire urbaine,Conférence,Quantité,Soumise par")
    assert "Sélection" not in lignes[0]
    assert "Justificatifs" in lignes[0]
    assert lignes[1].startswith(f"{realisation.date.isoformat()},Production de logements sociaux 2013,Lyon,")
