#!/usr/bin/env bash
# Runtime footprint of each published module (issue 9): the module's own jar plus every jar of its runtime
# class path (compile + runtime scope, transitively), as Maven resolves it, and the shaded cli jar. The
# module's own jar is the installed one (~/.m2), which is what a dependent resolves.
#
#   bench/startup/footprint.sh [-o RESULT.md]
#
# Offline, against the installed modules (mvn -B -o ... dependency:build-classpath); needs no network.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=""
while getopts "o:" opt; do
  case $opt in
    o) OUT=$OPTARG ;;
    *) echo "usage: $0 [-o RESULT.md]" >&2; exit 64 ;;
  esac
done
WORK=bench/startup/target
mkdir -p "$WORK"

mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
{
  echo "| module | own jar bytes | runtime dependencies | dependency bytes | total MiB | third-party jars (largest first, MiB) |"
  echo "|---|---:|---:|---:|---:|---|"
  for m in api backend-in-memory testkit backend-kubernetes backend-sagemaker backend-vertex cli; do
    cp="$WORK/classpath-$m.txt"
    mvn -B -o -q dependency:build-classpath -pl "$m" -DincludeScope=runtime -Dmdep.outputFile="$(pwd)/$cp" >/dev/null 2>&1
    own=$(stat -c %s "$HOME/.m2/repository/io/inferscale/inferscale-$m/0.1.0-SNAPSHOT/inferscale-$m-0.1.0-SNAPSHOT.jar")
    count=0
    bytes=0
    top=""
    if [ -s "$cp" ]; then
      while read -r size jar; do
        count=$((count + 1))
        bytes=$((bytes + size))
        if [ "$count" -le 5 ]; then
          top+="$(basename "$jar" .jar) $(mib "$size"), "
        fi
      done < <(tr ':' '\n' < "$cp" | grep . | xargs stat -c '%s %n' | sort -rn)
    fi
    echo "| $m | $own | $count | $bytes | $(mib $((own + bytes))) | ${top%, }$([ "$count" -gt 5 ] && echo ", ...") |"
  done
  jar=cli/target/inferscale.jar
  if [ -f "$jar" ]; then
    echo
    echo "Shaded jar $jar: $(stat -c %s "$jar") bytes ($(mib "$(stat -c %s "$jar")") MiB), $(unzip -Z1 "$jar" | wc -l) entries."
  fi
} | tee ${OUT:+"$OUT"}
