#!/usr/bin/env bash
# A long form 2 made by kttdv and by stock Typst on kttdv's own templates,
# side by side in one run (hyperfine alternates nothing, but runs both in the
# same minute of the same machine): the whole process each time, cold.
#
#   benches/stock-typst.sh [members] [kttdv binary]
#
# Defaults: 2,000 members, target/release/kttdv (build it first:
# `cargo build --release`). Needs hyperfine (Debian's package) and typst-py
# 0.15 (`pip install typst==0.15.2`), the Python binding of the same Typst
# kttdv embeds. Both write untagged PDFs with the same fonts and the same
# view: `kttdv render --template-data` dumps what the template receives.
set -euo pipefail

members=${1:-2000}
kttdv=$(realpath "${2:-target/release/kttdv}")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$kttdv" sample chi-bo --members "$members" -o "$work/roster.json" 2>/dev/null
# Stock Typst reads the same templates with the entry kttdv generates.
source "$root/benches/stock-typst-entry.sh"
stock_entry mau-2
"$kttdv" render mau-2 "$work/roster.json" --template-data -o "$work/t/data.json" 2>/dev/null

python3 "$work/stock.py"
"$kttdv" render mau-2 "$work/roster.json" --plain-pdf --no-signature-fields -o "$work/plain.pdf" 2>/dev/null
echo "pages: stock $(pdfinfo "$work/stock.pdf" 2>/dev/null | awk '/^Pages/ {print $2}')," \
    "kttdv $(pdfinfo "$work/plain.pdf" 2>/dev/null | awk '/^Pages/ {print $2}')"

hyperfine --warmup 1 --runs "${RUNS:-10}" --export-markdown "$work/result.md" \
    -n "stock Typst (typst-py), plain PDF" "python3 $work/stock.py" \
    -n "kttdv render, plain PDF" "$kttdv render mau-2 $work/roster.json --plain-pdf --no-signature-fields -o $work/plain.pdf" \
    -n "kttdv render, PDF/A-3b with data and signature field" "$kttdv render mau-2 $work/roster.json -o $work/a3.pdf"
cat "$work/result.md"
