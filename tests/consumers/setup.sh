#!/usr/bin/env bash
# Creates the Python environment of the real consumers that tests/consumers.rs runs:
#   HASHIYA_CONSUMERS_PY=/tmp/hashiya-consumers/bin/python cargo test --test headless consumers::
# Idempotent: an existing environment that already imports everything is kept.
set -euo pipefail
VENV="${HASHIYA_CONSUMERS_VENV:-/tmp/hashiya-consumers}"
# openpyxl and odfpy write the spreadsheet fixtures of tests/corpus_import.rs
# (tests/fixtures/corpus/make_xlsx.py); pandas reads the corpus round trip back.
PACKAGES=(spacy==3.8.18 pandas==3.1.1 seqeval==1.2.2 bratly-io-fs==0.1.4 bratly==0.1.4 openpyxl==3.1.5 odfpy==1.4.1)
check='import spacy, pandas, seqeval, bratly.io.file_read_src, openpyxl, odf'
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$check" 2>/dev/null; then
  echo "consumers: $VENV ready"
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}"
"$VENV/bin/python" -c "$check"
echo "consumers: $VENV installed (${PACKAGES[*]})"
