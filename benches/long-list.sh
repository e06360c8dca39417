#!/usr/bin/env bash
# The Bloc's consolidated list (`tong-hop`, lists 2 to 5 of every cell) at
# growing lengths: time and peak memory of the whole process, kttdv against
# stock Typst compiling kttdv's own templates on the same view, side by side
# at each length, one run each (/usr/bin/time).
#
#   benches/long-list.sh [members ...]
#
# Defaults: 2,000, 8,000 and 32,000 members (committees of 4 cells of 20).
# `KTTDV` names the binary (default target/release/kttdv: build it first with
# `cargo build --release`). Needs typst-py 0.15 (`pip install typst==0.15.2`),
# the Python binding of the same Typst kttdv embeds, and poppler's pdfinfo.
set -euo pipefail

kttdv=$(realpath "${KTTDV:-target/release/kttdv}")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lengths=("$@")
((${#lengths[@]})) || lengths=(2000 8000 32000)

source "$root/benches/stock-typst-entry.sh"
stock_entry tong-hop

# "<seconds> s, <peak> MB" of a whole process.
measure() {
  /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f s, %.0f MB", $1, $2 / 1024}'
}
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages/ {print $2}'; }

echo "| members | pages | stock Typst, plain PDF | kttdv, plain PDF | kttdv, PDF/A-3b with data and signature fields |"
echo "|---|---|---|---|---|"
for members in "${lengths[@]}"; do
  "$kttdv" sample khoi --committees $((members / 80)) -o "$work/khoi.json" 2>/dev/null
  "$kttdv" render tong-hop "$work/khoi.json" --template-data -o "$work/t/data.json" 2>/dev/null
  stock=$(measure python3 "$work/stock.py")
  plain=$(measure "$kttdv" render tong-hop "$work/khoi.json" --plain-pdf --no-signature-fields -o "$work/plain.pdf")
  full=$(measure "$kttdv" render tong-hop "$work/khoi.json" -o "$work/full.pdf")
  [[ $(pages "$work/stock.pdf") == $(pages "$work/plain.pdf") ]] || echo "pages differ: stock $(pages "$work/stock.pdf")" >&2
  echo "| $members | $(pages "$work/full.pdf") | $stock | $plain | $full |"
done
