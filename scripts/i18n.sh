#!/usr/bin/env bash
# Translation catalogs: extract source strings, merge them into fr/en, compile the .mo files the app loads.
#   scripts/i18n.sh extract | update | compile | all
# The compiled .mo files are committed, so the app runs without this step; tests/test_i18n.py checks they
# are complete and up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL="${PYBABEL:-$( [ -x .venv/bin/pybabel ] && echo .venv/bin/pybabel || echo pybabel )}"
DIR=app/translations
POT="$DIR/messages.pot"
LOCALES=(fr en)

extract() {
  "$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
    --project=Ecoute --msgid-bugs-address= -o "$POT" .
}

update() {
  for locale in "${LOCALES[@]}"; do
    if [ -f "$DIR/$locale/LC_MESSAGES/messages.po" ]; then
      "$PYBABEL" update -i "$POT" -d "$DIR" -l "$locale" --no-fuzzy-matching --ignore-obsolete
    else
      "$PYBABEL" init -i "$POT" -d "$DIR" -l "$locale" --no-wrap
    fi
  done
}

compile() {
  # --use-fuzzy off: a fuzzy entry must never reach users (the test refuses fuzzy entries anyway).
  "$PYBABEL" compile -d "$DIR" --statistics
}

case "${1:-}" in
  extract) extract ;;
  update) update ;;
  compile) compile ;;
  all) extract; update; compile ;;
  *) echo "usage: $0 extract|update|compile|all" >&2; exit 2 ;;
esac
