#!/usr/bin/env bash
# Binaries of kttdv side by side on a whole Bloc: they take turns, one run of
# each in turn, so that the machine's drift (±30 %) falls on all alike; then
# each one's medians. `benches/turns.sh ROUNDS INPUT BINARY...`, INPUT made
# by `kttdv sample khoi [--committees N]`. Runs `render ho-so-ban INPUT
# --with-cells` under /usr/bin/time (wall, user + system CPU, peak memory).
# See BENCHMARKS.md.
set -euo pipefail
rounds=$1 input=$2
shift 2
times=$(mktemp) out=$(mktemp -d)
trap 'rm -rf "$times" "$out"' EXIT
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    rm -rf "$out/files"
    /usr/bin/time -f "$bin %e %U %S %M" -a -o "$times" \
      "$bin" render ho-so-ban "$input" --with-cells -o "$out/files" >/dev/null 2>"$out/errors" ||
      { echo "$bin failed:" >&2; cat "$out/errors" >&2; exit 1; }
  done
done
python3 - "$times" "$@" <<'PYEND'
import statistics as st, sys
runs = [line.split() for line in open(sys.argv[1])]
for bin in sys.argv[2:]:
    mine = [r for r in runs if r[0] == bin]
    wall = [float(r[1]) for r in mine]
    cpu = [float(r[2]) + float(r[3]) for r in mine]
    peak = [int(r[4]) / 1024 for r in mine]
    print(f"{bin}: wall {st.median(wall):.2f} s ({min(wall):.2f}–{max(wall):.2f}), "
          f"CPU {st.median(cpu):.2f} s (sys {st.median([float(r[3]) for r in mine]):.2f}), peak {st.median(peak):.0f} MB, {len(mine)} runs")
PYEND
