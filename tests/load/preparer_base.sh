#!/usr/bin/env bash
# Builds (once) the PostgreSQL database of the load test: full INSEE geography, zoning, demo, 50,000 objectives.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE="${BASE_CHARGE:-partenariat_charge}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${BASE}" SECRET_KEY="${SECRET_KEY:-charge-locale}" DEBUG=0
DONNEES="${DONNEES:-aires_urbaines/referentiels}"
if psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='${BASE}'" | grep -q 1; then
  if .venv/bin/python manage.py shell -c "from engagements.models import Objectif; import sys; sys.exit(Objectif.objects.count() < 50000)"; then
    # Already built: only bring its schema up to the code's migrations.
    .venv/bin/python manage.py migrate --noinput -v 0
    echo "Base ${BASE} déjà prête (migrations appliquées)."; exit 0
  fi
  dropdb -h 127.0.0.1 -U postgres "${BASE}"
fi
createdb -h 127.0.0.1 -U postgres "${BASE}"
SECONDS=0
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py importer_communes "${DONNEES}/au2010_communes_cog2012.csv.gz" -v 0
.venv/bin/python manage.py importer_zonage "${DONNEES}/zonage_abc_2022_communes.csv.gz" -v 0
.venv/bin/python manage.py importer_contours "${DONNEES}/geo" -v 0
.venv/bin/python manage.py charger_demo -v 0
.venv/bin/python manage.py generer_donnees_charge
echo "Base ${BASE} prête en ${SECONDS} s."
