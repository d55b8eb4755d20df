#!/usr/bin/env bash
# How many classes a cold command loads, and from where (-Xlog:class+load): deterministic, unlike wall time,
# so it shows what a change removed even on a busy machine.
#
#   bench/startup/classcount.sh [LABEL=JAR]...       (default: the current cli/target/inferscale.jar)
#
# Columns: all classes; from the JDK's default CDS archive ("shared objects file"); from an application CDS
# archive ("shared objects file (top)", launcher rows only); from the JDK's modules (jrt:, parsed and
# verified at start-up); from the jar (parsed and verified at start-up); generated (lambdas, proxies).
set -euo pipefail
cd "$(dirname "$0")/../.."
DOC=${DOC:-examples/src/main/resources/inference_endpoint.yaml}
WORK=bench/startup/target
mkdir -p "$WORK"
JARS=("$@")
[ ${#JARS[@]} -gt 0 ] || JARS=("current=$(pwd)/cli/target/inferscale.jar")

count() { # LABEL COMMAND...
  local label=$1
  shift
  local log=$WORK/classes.log
  rm -f "$log"
  "$@" >/dev/null 2>&1
  local all base top jrt jar gen
  all=$(grep -c 'source:' "$log" || true)
  top=$(grep -c 'source: shared objects file (top)' "$log" || true)
  base=$(( $(grep -c 'source: shared objects file' "$log" || true) - top ))
  jrt=$(grep -c 'source: jrt:/' "$log" || true)
  jar=$(grep -c 'source: file:' "$log" || true)
  gen=$((all - base - top - jrt - jar))
  echo "| $label | $all | $base | $top | $jrt | $jar | $gen |"
}

echo "| command | classes | JDK CDS archive | app CDS archive | JDK modules (jrt) | jar | generated |"
echo "|---|---:|---:|---:|---:|---:|---|"
for spec in "${JARS[@]}"; do
  label=${spec%%=*}
  jar=${spec#*=}
  count "$label: validate" java -Xlog:class+load=info:file="$WORK/classes.log" -jar "$jar" validate -f "$DOC"
  count "$label: render --backend kubernetes" java -Xlog:class+load=info:file="$WORK/classes.log" -jar "$jar" render -f "$DOC" --backend kubernetes
done
if [ -x cli/target/inferscale ]; then
  export INFERSCALE_CDS_DIR=$WORK/cds-cache
  cli/target/inferscale --version >/dev/null 2>&1 # creates the archive if needed
  INFERSCALE_JAVA_OPTS="-Xlog:class+load=info:file=$WORK/classes.log" count "launcher: validate" cli/target/inferscale validate -f "$DOC"
  INFERSCALE_JAVA_OPTS="-Xlog:class+load=info:file=$WORK/classes.log" count "launcher: render --backend kubernetes" cli/target/inferscale render -f "$DOC" --backend kubernetes
fi
