#!/usr/bin/env bash
# Cold `validate` of several shaded jars, interleaved (each round runs every jar once, so background load hits all alike);
# per jar the median and minimum wall time (date +%s%N around the process) and CPU time (user + sys from /usr/bin/time,
# 10 ms resolution). Nothing discarded; a non-zero exit stops it.
#   bench/startup/validate-jars.sh RUNS LABEL=JAR [LABEL=JAR]...
set -euo pipefail
runs=$1; shift
DOC=${DOC:-examples/src/main/resources/inference_endpoint.yaml}
raw=$(mktemp); t=$(mktemp)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$runs"); do
  for pair in "$@"; do
    label=${pair%%=*}; jar=${pair#*=}
    s=$(date +%s%N); /usr/bin/time -f "%U %S" -o "$t" java -jar "$jar" validate -f "$DOC" >/dev/null 2>&1; e=$(date +%s%N)
    read -r u sy < "$t"; echo "$label $(( (e - s) / 1000000 )) $(awk -v u="$u" -v s="$sy" 'BEGIN{printf "%d", (u+s)*1000}')" >> "$raw"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$raw" "$@" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, cpu = line.split()
    rows.setdefault(label, []).append((int(wall), int(cpu)))
for pair in sys.argv[2:]:
    label = pair.split('=', 1)[0]
    w = [r[0] for r in rows[label]]; c = [r[1] for r in rows[label]]
    print(f"{label}: runs {len(w)}, wall median {statistics.median(w):.0f} ms (min {min(w)}), CPU median {statistics.median(c):.0f} ms (min {min(c)})")
PY
rm -f "$raw" "$t"
