"""`charger_demo` loads the protocol's real facts and the demo, uses what is already there, and is idempotent."""

import csv
import datetime
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Sum
from django.test import RequestFactory
from django.utils import timezone

from aires_urbaines.models import AireUrbaine, BassinEmploi, EntreePhase, PhaseDeploiement, Tension
from aires_urbaines.services import (
    ErreurTerritoire,
    calendrier_extension_par_defaut,
    inscrire_aires_dans_phase,
)
from conferences.models import ConferenceTerritoriale, EtatInstallation
from engagements.models import ClotureAnnee, Objectif, Realisation, RevisionCible
from partenariat import demo
from partenariat.models import Protocole, Signataire
from partenariat.roles import ELUS, EQUIPE_UESL, MODELES_TECHNIQUES, SECRETARIAT_CONFERENCE
from tests import fabriques

pytestmark = pytest.mark.django_db

APPS_SUIVIES = ("partenariat", "aires_urbaines", "conferences", "engagements", "auth")


def charger():
    sortie = io.StringIO()
    call_command("charger_demo", stdout=sortie)
    return sortie.getvalue()


def etat_de_la_base():
    """Row count of every table of our apps and of auth, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS_SUIVIES
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.model_name not in MODELES_TECHNIQUES.get(label, ())
    }


def grande_aire(code, nom, population, **valeurs):
    return AireUrbaine.objects.create(
        code=code, nom=nom, categorie=AireUrbaine.Categorie.GRANDE, population=population, **valeurs
    )


@pytest.fixture
def charge():
    return charger()


def test_les_faits_du_protocole(charge):
    assert set(Signataire.objects.values_list("sigle", "nature")) == {
        ("AdCF", "elus"),
        ("AMGVF", "elus"),
        ("ACUF", "elus"),
        ("UESL", "partenaires_sociaux"),
    }
    protocole = Protocole.objects.courant()
    assert protocole.date_signature == datetime.date(2012, 6, 27)
    assert (protocole.annee_debut, protocole.annee_fin, protocole.delai_installation_mois) == (2013, 2015, 6)
    assert protocole.date_limite_installation == datetime.date(2012, 12, 27)
    assert protocole.signataires.count() == 4
    assert protocole.texte.startswith("Le protocole-cadre de partenariat signé le 27 juin")
    assert list(protocole.clauses.values_list("numero", "code")) == [
        (1, "deploiement"),
        (2, "conferences"),
        (3, "programmation"),
        (4, "observation"),
        (5, "objectifs"),
    ]
    assert protocole.clauses.get(numero=2).texte.startswith("les partenaires sociaux installeront dans les six mois")
    assert list(protocole.accords_nationaux.values_list("date_signature", flat=True)) == [
        datetime.date(2011, 4, 29),
        datetime.date(2012, 4, 18),
    ]


def test_les_douze_aires_prioritaires_entrent_en_2013(charge):
    prioritaire = PhaseDeploiement.objects.get(code="prioritaire-2013")
    extension = PhaseDeploiement.objects.get(code="extension-2014-2015")
    assert prioritaire.libelle == "2013 – aires métropolitaines en tension"
    assert prioritaire.date_debut == datetime.date(2013, 1, 1)
    assert extension.date_debut == datetime.date(2014, 1, 1)
    entrees = prioritaire.entrees.all()
    assert sorted(entree.aire.code for entree in entrees) == sorted(demo.CODES_PRIORITAIRES)
    assert {entree.date_entree for entree in entrees} == {datetime.date(2013, 1, 1)}
    assert not extension.entrees.exists()  # only the twelve areas are known without the INSEE import
    lyon = AireUrbaine.objects.get(code="002")
    assert (lyon.nom, lyon.categorie, lyon.population, lyon.nb_communes) == ("Lyon", "grande", 2165785, 514)


def test_les_comptes_de_demonstration(charge):
    User = get_user_model()
    attendus = {"elu": ELUS, "uesl": EQUIPE_UESL, "secretariat-lyon": SECRETARIAT_CONFERENCE}
    for username, groupe in attendus.items():
        assert list(User.objects.get(username=username).groups.values_list("name", flat=True)) == [groupe]
    assert User.objects.get(username="uesl").is_staff
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="elu").is_staff

    requete = RequestFactory().post("/comptes/connexion/")
    for username in ("elu", "uesl", "secretariat-lyon", "admin"):
        assert authenticate(requete, username=username, password="demo-partenariat") is not None, username
    assert authenticate(requete, username="elu", password="mauvais-mot-de-passe") is None


def test_les_conferences_de_demonstration(charge):
    date_limite = Protocole.objects.courant().date_limite_installation
    lyon = ConferenceTerritoriale.objects.get(nom="Conférence territoriale Rhône-Alpes – Lyon (démo)")
    assert lyon.date_installation == datetime.date(2012, 11, 15)
    assert list(lyon.aires.values_list("code", flat=True)) == ["002"]
    assert list(lyon.bassins.values_list("code", "nom")) == [("8214", "Lyon")]
    assert list(lyon.secretariat.values_list("username", flat=True)) == ["secretariat-lyon"]
    assert set(lyon.membres.values_list("college", flat=True)) == {"employeurs", "salaries"}
    assert lyon.reunions.filter(date=lyon.date_installation).exists()
    assert lyon.associations.exists() and lyon.observations.exists()

    etats = {c.nom: c.etat_installation_pour(date_limite) for c in ConferenceTerritoriale.objects.all()}
    assert all("(démo)" in nom for nom in etats)
    assert etats["Conférence territoriale Provence-Alpes-Côte d'Azur – Marseille (démo)"] == EtatInstallation.EN_RETARD
    assert etats["Conférence territoriale Languedoc-Roussillon – Montpellier (démo)"] == EtatInstallation.NON_INSTALLEE
    assert set(etats.values()) == set(EtatInstallation)


def test_les_objectifs_et_les_realisations(charge):
    assert set(Objectif.objects.values_list("aire__code", flat=True)) == set(demo.CODES_PRIORITAIRES)
    assert set(Objectif.objects.values_list("annee", flat=True)) == {2013, 2014, 2015}
    assert Objectif.objects.values("dispositif").distinct().count() > 3
    assert not Realisation.objects.filter(objectif__aire__code="015").exists()
    for realisation in Realisation.objects.select_related("objectif"):
        assert realisation.date.year == realisation.objectif.annee

    def taux(code):
        objectifs = Objectif.objects.filter(aire__code=code)
        realise = Realisation.objects.filter(objectif__in=objectifs, etat="validee").values_list("quantite", flat=True)
        return sum(realise) / sum(objectifs.values_list("cible", flat=True))

    assert taux("002") > 1.1  # ahead
    assert taux("003") < 0.75  # late


def test_lyon_saisit_ses_chiffres_et_l_equipe_uesl_les_valide(charge):
    """Lyon's secretariat records Lyon's figures, the UESL team records the others'; nobody examines their own."""
    lyon = Realisation.objects.filter(objectif__aire__code="002")
    assert set(lyon.values_list("saisi_par__username", "modifie_par__username")) == {
        ("secretariat-lyon", "secretariat-lyon")
    }
    autres = Realisation.objects.exclude(objectif__aire__code="002")
    assert set(autres.values_list("saisi_par__username", "modifie_par__username")) == {("uesl", "uesl")}
    assert set(lyon.exclude(etat="soumise").values_list("examinee_par__username", flat=True)) == {"uesl"}
    assert set(autres.exclude(etat="soumise").values_list("examinee_par__username", flat=True)) == {"admin"}
    for realisation in Realisation.objects.exclude(etat="soumise"):
        assert realisation.examinee_par_id != realisation.saisi_par_id
        assert realisation.saisi_le == realisation.soumise_le < realisation.examinee_le < timezone.now()


def test_chaque_etat_des_realisations_est_montre(charge):
    par_etat = dict(Realisation.objects.order_by().values_list("etat").annotate(n=Count("pk")))
    assert par_etat["soumise"] == 7 and par_etat["renvoyee"] == 2
    assert par_etat["validee"] > 300  # most figures are validated

    # Lyon's pending items were recorded by its secretariat: the UESL team may validate them (four eyes).
    en_attente = Realisation.objects.filter(etat="soumise")
    assert set(en_attente.filter(objectif__aire__code="002").values_list("saisi_par__username", flat=True)) == {
        "secretariat-lyon"
    }
    assert en_attente.filter(objectif__aire__code="002").count() == 4
    assert set(en_attente.exclude(objectif__aire__code="002").values_list("saisi_par__username", flat=True)) == {"uesl"}
    assert not en_attente.exclude(examinee_par=None).exists() and not en_attente.exclude(examinee_le=None).exists()
    # Submitted days or weeks ago, so the queue's age filter sorts them.
    ages = sorted((timezone.now() - realisation.soumise_le).days for realisation in en_attente)
    assert ages[0] < 7 and ages[-1] > 30 and len(set(ages)) == len(ages)

    renvoyees = Realisation.objects.filter(etat="renvoyee")
    assert set(renvoyees.values_list("saisi_par__username", "examinee_par__username", "commentaire_examen")) == {
        ("secretariat-lyon", "uesl", "Merci de joindre le compte rendu de la réunion.")
    }
    # 2013 is closed: nothing of that year is pending or returned.
    assert not Realisation.objects.filter(objectif__annee=2013).exclude(etat="validee").exists()


def test_l_historique_montre_chaque_etape(charge):
    renvoyee = Realisation.objects.filter(etat="renvoyee").first()
    etapes = [
        (h.history_type, h.history_user.username, h.etat, h.version, h.history_date, h.history_change_reason)
        for h in renvoyee.history.order_by("history_date")
    ]
    assert etapes == [
        ("+", "secretariat-lyon", "soumise", 1, renvoyee.soumise_le, "Données de démonstration"),
        (
            "~",
            "uesl",
            "renvoyee",
            2,
            renvoyee.examinee_le,
            "Renvoi : Merci de joindre le compte rendu de la réunion.",
        ),
    ]
    validee = Realisation.objects.filter(etat="validee", objectif__aire__code="004").first()
    assert [(h.history_user.username, h.etat, h.history_date) for h in validee.history.order_by("history_date")] == [
        ("uesl", "soumise", validee.soumise_le),
        ("admin", "validee", validee.examinee_le),
    ]
    en_attente = Realisation.objects.filter(etat="soumise").first()
    assert [(h.history_type, h.etat) for h in en_attente.history.all()] == [("+", "soumise")]
    # One entry per step, for every achievement.
    assert (
        Realisation.history.count() == Realisation.objects.count() + Realisation.objects.exclude(etat="soumise").count()
    )


def test_les_cumuls_sont_les_sommes_des_realisations_validees_et_provisoires(charge):
    def totaux(objectif, etats):
        return objectif.realisations.filter(etat__in=etats).aggregate(
            s=Sum("quantite", default=0), n=Count("pk"), premiere=Min("date"), derniere=Max("date")
        )

    for objectif in Objectif.objects.all():
        validees, provisoires = totaux(objectif, ["validee"]), totaux(objectif, ["validee", "soumise"])
        assert (
            objectif.realise_cumule,
            objectif.nb_realisations,
            objectif.premiere_realisation,
            objectif.derniere_realisation,
        ) == tuple(validees.values()), objectif
        assert (
            objectif.realise_provisoire,
            objectif.nb_provisoires,
            objectif.premiere_provisoire,
            objectif.derniere_provisoire,
        ) == tuple(provisoires.values()), objectif
        assert objectif.nb_en_attente == objectif.realisations.filter(etat="soumise").count()
    assert Objectif.objects.filter(nb_en_attente__gt=0).count() == 7
    # A pending item counts in the provisional figures only; a returned one in neither.
    lyon_2015 = Objectif.objects.filter(aire__code="002", annee=2015)
    assert sum(o.realise_provisoire - o.realise_cumule for o in lyon_2015) == sum(
        Realisation.objects.filter(objectif__in=lyon_2015, etat="soumise").values_list("quantite", flat=True)
    )


def test_une_cible_revisee_avec_son_motif(charge):
    uesl = get_user_model().objects.get(username="uesl")
    revisees = Objectif.objects.filter(aire__code="002", dispositif="logement_social").exclude(
        cible=F("cible_initiale")
    )
    assert sorted(revisees.values_list("annee", flat=True)) == [2014, 2015]
    assert (
        not Objectif.objects.exclude(aire__code="002", dispositif="logement_social")
        .exclude(cible=F("cible_initiale"))
        .exists()
    )
    objectif = revisees.get(annee=2014)
    assert objectif.cible_revisee and objectif.cible == objectif.cible_initiale - 90
    revision = RevisionCible.objects.get(objectif=objectif)
    assert (revision.ancienne_cible, revision.nouvelle_cible, revision.revisee_par) == (
        objectif.cible_initiale,
        objectif.cible,
        uesl,
    )
    assert revision.motif == "Report de deux opérations à 2015 après un recours contentieux."
    assert revision.revisee_le.date() == datetime.date(2014, 9, 18)
    historique = [(h.cible, h.history_user, h.history_change_reason) for h in objectif.history.order_by("history_date")]
    assert historique == [
        (objectif.cible_initiale, uesl, "Données de démonstration"),
        (objectif.cible, uesl, revision.motif),
    ]
    assert objectif.version == 2
    assert RevisionCible.objects.get(objectif__annee=2015).nouvelle_cible == revisees.get(annee=2015).cible


def test_l_annee_2013_est_close(charge):
    cloture = ClotureAnnee.objects.get()
    assert (cloture.annee, cloture.close, cloture.close_par.username) == (2013, True, "uesl")
    assert timezone.localtime(cloture.close_le).date() == datetime.date(2014, 2, 14)
    assert ClotureAnnee.objects.annees_closes() == {2013}
    assert [(h.history_type, h.history_user.username, h.close) for h in cloture.history.all()] == [("+", "uesl", True)]


def test_une_annee_deja_close_ne_recoit_aucune_donnee_de_demonstration():
    admin = get_user_model().objects.create_user("responsable")
    ClotureAnnee.objects.create(annee=2013, close_le=timezone.now(), close_par=admin)

    sortie = charger()

    assert not Objectif.objects.filter(annee=2013).exists()
    assert Objectif.objects.filter(annee=2014).count() == 48
    assert Realisation.objects.filter(objectif__annee=2014).exists()
    assert ClotureAnnee.objects.get().close_par == admin  # never overwritten
    assert "Années closes : 0 créée, 1 déjà présente" in sortie


def test_une_realisation_2013_en_attente_laisse_l_annee_ouverte():
    objectif = fabriques.objectif(fabriques.aire("900"), annee=2013)
    fabriques.realisation(objectif, 5, datetime.date(2013, 5, 2), etat="soumise")

    sortie = charger()

    assert not ClotureAnnee.objects.exists()
    assert "Années closes : 0 créée, 0 déjà présente" in sortie


def test_des_pieces_jointes_reelles_sur_les_dossiers_de_lyon(charge, pieces_jointes_temporaires):
    from partenariat.commun.fichiers import verifier_fichier
    from partenariat.models import PieceJointe

    pieces = list(PieceJointe.objects.select_related("content_type", "deposee_par").order_by("pk"))
    assert sorted(piece.nature for piece in pieces) == sorted(
        ["justificatif"] * 3 + ["compte_rendu", "feuille_presence", "deliberation", "etude"]
    )
    lyon = ConferenceTerritoriale.objects.get(nom=demo.NOM_CONFERENCE_LYON)
    for piece in pieces:
        assert piece.deposee_par.username == "secretariat-lyon"
        objet = piece.objet
        if piece.nature == "justificatif":
            assert objet.etat == "soumise"
            assert objet.objectif.aire.code == "002"
            assert objet.objectif.annee != 2013  # the closed year's achievements take no file
        else:
            assert objet.conference == lyon
        # Stored through the private storage (the test's folder), and what it holds passes the upload checks.
        assert (pieces_jointes_temporaires / piece.fichier.name).is_file()
        with piece.fichier.open("rb") as fichier:
            verifie = verifier_fichier(fichier)
        assert (verifie.type_mime, verifie.taille, verifie.sha256) == (piece.type_mime, piece.taille, piece.sha256)
        assert piece.history.count() == 1
    compte_rendu = next(piece for piece in pieces if piece.nature == "compte_rendu")
    assert compte_rendu.nom_original.startswith("compte-rendu-conference-lyon-2014-")
    with compte_rendu.fichier.open("rb") as fichier:
        assert fichier.read(5) == b"%PDF-"
    feuille = next(piece for piece in pieces if piece.nature == "feuille_presence")
    assert feuille.nom_original.endswith(".xlsx") and feuille.objet == compte_rendu.objet


def test_un_second_chargement_n_ajoute_aucun_fichier(charge, pieces_jointes_temporaires):
    from partenariat.models import PieceJointe

    stockes = sorted(pieces_jointes_temporaires.rglob("*.*"))
    lignes = list(PieceJointe.objects.order_by("pk").values())

    sortie = charger()

    assert sorted(pieces_jointes_temporaires.rglob("*.*")) == stockes
    assert list(PieceJointe.objects.order_by("pk").values()) == lignes
    assert "Pièces jointes : 0 créée, 7 déjà présentes" in sortie


def test_les_donnees_chargees_passent_la_validation_des_modeles(charge):
    for label in ("partenariat", "aires_urbaines", "conferences", "engagements"):
        for model in apps.get_app_config(label).get_models():
            for instance in model._default_manager.all():
                if not model._meta.model_name.startswith("historical"):
                    instance.full_clean()


def test_la_sortie_dit_ce_qui_a_ete_cree(charge):
    assert "Signataires : 4 créés, 0 déjà présent" in charge
    assert "Clauses : 5 créées, 0 déjà présente" in charge
    assert "Aires urbaines prioritaires : 12 créées" in charge
    assert "Réalisations validées : 400 créées, 0 déjà présente" in charge
    assert "Réalisations en attente de validation : 7 créées, 0 déjà présente" in charge
    assert "Réalisations renvoyées : 2 créées, 0 déjà présente" in charge
    assert "Révisions de cible : 2 créées, 0 déjà présente" in charge
    assert "Années closes : 1 créée, 0 déjà présente" in charge
    assert "Pièces jointes : 7 créées, 0 déjà présente" in charge


def contenu_du_suivi():
    """Every stored value of the objectives, achievements, revisions and closings (running totals included)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in (Objectif, Realisation, RevisionCible, ClotureAnnee)
    }


def test_un_second_chargement_ne_change_rien(charge):
    avant = etat_de_la_base()
    suivi = contenu_du_suivi()
    mots_de_passe = dict(get_user_model().objects.values_list("username", "password"))

    sortie = charger()

    assert etat_de_la_base() == avant
    assert contenu_du_suivi() == suivi
    assert dict(get_user_model().objects.values_list("username", "password")) == mots_de_passe
    assert "Signataires : 0 créé, 4 déjà présents" in sortie
    assert "Réalisations en attente de validation : 0 créée, 7 déjà présentes" in sortie
    assert "Années closes : 0 créée, 1 déjà présente" in sortie
    assert "Tout était déjà chargé" in sortie


def test_un_second_chargement_retablit_les_roles_des_comptes(charge):
    elu = get_user_model().objects.get(username="elu")
    elu.groups.clear()
    elu.set_password("un-autre-mot-de-passe")
    elu.save()

    charger()

    assert list(elu.groups.values_list("name", flat=True)) == [ELUS]
    elu.refresh_from_db()
    assert elu.check_password("un-autre-mot-de-passe")


def test_les_aires_importees_sont_utilisees_et_les_autres_grandes_aires_etendues():
    lyon = grande_aire(
        "002", "Lyon", 2165785, nb_communes=514, tension=Tension.TENDUE, part_population_tendue=0.87, zone_dominante="A"
    )
    grande_aire("020", "Clermont-Ferrand", 460000, nb_communes=229)
    grande_aire("048", "Bayonne", 280000)
    grande_aire("9A1", "Fort-de-France", 390000)  # overseas: not in the metropolitan extension
    AireUrbaine.objects.create(code="120", nom="Moyenne", categorie=AireUrbaine.Categorie.MOYENNE, population=40000)

    charger()

    lyon_apres = AireUrbaine.objects.get(code="002")
    assert lyon_apres.pk == lyon.pk
    assert (lyon_apres.population, lyon_apres.nb_communes, lyon_apres.tension, lyon_apres.part_population_tendue) == (
        2165785,
        514,
        Tension.TENDUE,
        0.87,
    )
    assert lyon_apres.entree_phase.phase.code == "prioritaire-2013"
    assert AireUrbaine.objects.count() == 12 + 4
    extension = {
        entree.aire.code: entree.date_entree
        for entree in EntreePhase.objects.filter(phase__code="extension-2014-2015").select_related("aire")
    }
    assert extension == {"020": datetime.date(2014, 1, 1), "048": datetime.date(2015, 1, 1)}

    avant = etat_de_la_base()
    charger()
    assert etat_de_la_base() == avant


def test_les_bassins_existants_sont_utilises():
    BassinEmploi.objects.create(code="8214", nom="Lyon (import)")
    charger()
    assert BassinEmploi.objects.get(code="8214").nom == "Lyon (import)"
    assert ConferenceTerritoriale.objects.get(nom=demo.NOM_CONFERENCE_LYON).bassins.get().code == "8214"


# --- Rollout services ---------------------------------------------------------------------------------------


def test_calendrier_extension_par_rang_de_population():
    aires = [
        grande_aire(code, code, population)
        for code, population in [("030", 150000), ("020", 460000), ("040", 90000), ("025", 460000), ("050", 60000)]
    ]
    calendrier = {aire.code: date.year for aire, date in calendrier_extension_par_defaut(aires).items()}
    assert calendrier == {"020": 2014, "025": 2014, "030": 2014, "040": 2015, "050": 2015}
    assert calendrier_extension_par_defaut([]) == {}


def test_inscrire_refuse_une_entree_avant_le_debut_de_la_phase():
    phase = PhaseDeploiement.objects.create(code="p", libelle="P", date_debut=datetime.date(2014, 1, 1))
    aire = grande_aire("020", "Clermont-Ferrand", 460000)
    with pytest.raises(ErreurTerritoire, match="avant le 01/01/2014"):
        inscrire_aires_dans_phase(phase, {aire: datetime.date(2013, 12, 31)})
    assert not EntreePhase.objects.exists()


def test_inscrire_laisse_une_aire_dans_sa_phase():
    premiere = PhaseDeploiement.objects.create(code="a", libelle="A", date_debut=datetime.date(2013, 1, 1))
    seconde = PhaseDeploiement.objects.create(code="b", libelle="B", date_debut=datetime.date(2014, 1, 1))
    aire = grande_aire("020", "Clermont-Ferrand", 460000)
    assert len(inscrire_aires_dans_phase(premiere, {aire: datetime.date(2013, 6, 1)})) == 1
    assert inscrire_aires_dans_phase(seconde, {aire: datetime.date(2014, 1, 1)}) == []
    assert aire.entree_phase.phase == premiere


# --- The facts carried in the project match the reference files beside it -----------------------------------


def test_le_texte_du_protocole_est_celui_de_la_source():
    source = settings.BASE_DIR / "partenariat" / "referentiels" / "protocole-cadre-2012.txt"
    assert source.read_text(encoding="utf-8") == demo.TEXTE_PROTOCOLE


def test_les_aires_prioritaires_sont_celles_de_la_source(donnees_reference):
    with open(donnees_reference / "protocole_2012_aires_prioritaires.csv", encoding="utf-8", newline="") as fichier:
        lignes = list(csv.DictReader(fichier))
    source = {
        (
            ligne["AU2010"],
            ligne["LIBAU2010"],
            int(ligne["pop2010_au"]),
            int(ligne["nb_communes_au"]),
            ligne["ZE2010_commune_centre"],
            ligne["LIBZE2010"],
            None if ligne["EPCI_2012"] == "ZZZZZZZZZ" else ligne["EPCI_2012"],
            ligne["LIBEPCI_2012"],
            ligne["NATURE_EPCI_2012"],
        )
        for ligne in lignes
    }
    portees = {
        (a.code, a.nom, a.population, a.nb_communes, a.bassin_code, a.bassin_nom, a.siren, a.epci_nom, a.epci_nature)
        for a in demo.AIRES_PRIORITAIRES
    }
    assert portees == source


def test_un_compte_de_demonstration_peut_demander_la_reinitialisation_de_son_mot_de_passe(client, demo):
    from django.core import mail

    reponse = client.post("/comptes/mot-de-passe/oublie/", {"email": "secretariat-lyon@demo.invalid"})

    assert reponse.status_code == 302
    assert [message.to for message in mail.outbox] == [["secretariat-lyon@demo.invalid"]]
    assert "/comptes/reinitialiser/" in mail.outbox[0].body
