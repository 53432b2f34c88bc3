"""How the model tests prove an invariant: refused by the database itself, and by validation in French."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def refuse_en_base(ecrire):
    """The write must fail in the database, not only in Python validation."""
    with pytest.raises(IntegrityError), transaction.atomic():
        ecrire()


def refuse_a_la_validation(instance, message, methode="full_clean"):
    with pytest.raises(ValidationError) as erreur:
        getattr(instance, methode)()
    assert message in erreur.value.messages
