#!/usr/bin/env bash
# Cold start-up of the inferscale command, measured side by side with its baselines (issue 9).
#
#   bench/startup/startup.sh [-n RUNS] [-o RESULT.md] [-x 'LABEL=COMMAND']...
#
# Every round runs each command once, in the same order, so background load on the shared machine hits all
# of them alike; every run is kept (nothing discarded) and the table gives median, p90 (nearest rank), min
# and max wall time in milliseconds, measured with `date +%s%N` around the process (fork + exec + JVM + exit),
# and the median CPU time (user + system, of the process and its children, from bash's `time`): on a machine
# shared with other work, wall time rises with the load while CPU time mostly does not.
# Output goes to /dev/null; a command that exits non-zero stops the harness (a fast failure is not a result).
#
# Rows:
#   java -version                     the JVM floor: start, print, exit
#   hello.jar                         java -jar of a one-class jar: the floor for any `java -jar`
#   kubectl                           kubectl create deployment x --image=y --dry-run=client -o yaml, the reference
#                                     (KUBECONFIG points to a dummy file naming an unused loopback server; the
#                                     command never contacts it)
#   validate / render                 java -jar cli/target/inferscale.jar validate|render ... (the measured goal)
#   launcher validate / render        cli/target/inferscale (the launcher script with its AppCDS archive), when built;
#                                     the archive is created before the timed rounds and that one run is reported
#   -x LABEL=COMMAND                  any extra row (experiments; the label ends at the first =), e.g. -x 'before: validate=java -jar old.jar validate -f F'
#
# Environment: JAR (default cli/target/inferscale.jar), DOC (default the example document), JAVA (default java),
# BEFORE_JAR (adds validate/render rows for an older jar, e.g. the one before a change).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
RUNS=20
OUT=""
EXTRA=()
while getopts "n:o:x:" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    o) OUT=$OPTARG ;;
    x) EXTRA+=("$OPTARG") ;;
    *) echo "usage: $0 [-n RUNS] [-o RESULT.md] [-x 'LABEL=COMMAND']..." >&2; exit 64 ;;
  esac
done

JAVA=${JAVA:-java}
JAR=${JAR:-cli/target/inferscale.jar}
DOC=${DOC:-examples/src/main/resources/inference_endpoint.yaml}
LAUNCHER=${LAUNCHER:-cli/target/inferscale}
WORK=bench/startup/target
mkdir -p "$WORK"
[ -f "$JAR" ] || { echo "no $JAR: build it with: mvn -B -o -q install -pl cli -DskipTests" >&2; exit 1; }

# the JVM floor: a one-class jar
. bench/hello-jar.sh
hello_jar "$WORK"

# kubectl's reference: a dummy kubeconfig (client-side dry run reads it but never connects)
cat > "$WORK/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- name: none
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: none
  user: {token: unused}
contexts:
- name: none
  context: {cluster: none, user: none, namespace: default}
current-context: none
EOF

LABELS=()
CMDS=()
add() { LABELS+=("$1"); CMDS+=("$2"); }
add "java -version (JVM floor)" "$JAVA -version"
add "java -jar hello.jar (one class)" "$JAVA -jar $WORK/hello.jar"
if command -v kubectl >/dev/null; then
  add "kubectl create deployment --dry-run=client -o yaml" "env KUBECONFIG=$WORK/kubeconfig kubectl create deployment x --image=y --dry-run=client -o yaml"
fi
if [ -n "${BEFORE_JAR:-}" ]; then
  add "before: java -jar validate" "$JAVA -jar $BEFORE_JAR validate -f $DOC"
  add "before: java -jar render kubernetes" "$JAVA -jar $BEFORE_JAR render -f $DOC --backend kubernetes"
fi
add "java -jar inferscale.jar validate" "$JAVA -jar $JAR validate -f $DOC"
add "java -jar inferscale.jar render --backend kubernetes" "$JAVA -jar $JAR render -f $DOC --backend kubernetes"
LAUNCHER_FIRST=""
if [ -x "$LAUNCHER" ]; then
  cache=$WORK/cds-cache
  rm -rf "$cache"
  s=$(date +%s%N)
  INFERSCALE_CDS_DIR=$cache "$LAUNCHER" validate -f "$DOC" >/dev/null 2>&1
  LAUNCHER_FIRST=$(( ($(date +%s%N) - s) / 1000000 ))
  add "launcher (AppCDS) validate" "env INFERSCALE_CDS_DIR=$cache $LAUNCHER validate -f $DOC"
  add "launcher (AppCDS) render --backend kubernetes" "env INFERSCALE_CDS_DIR=$cache $LAUNCHER render -f $DOC --backend kubernetes"
fi
for e in ${EXTRA[@]+"${EXTRA[@]}"}; do
  add "${e%%=*}" "${e#*=}"
done

STARTED="$(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
n=${#CMDS[@]}
declare -A TIMES CPUS
. bench/startup/timing.sh
for ((r = 1; r <= RUNS; r++)); do
  for ((i = 0; i < n; i++)); do
    run_timed "${CMDS[$i]}"
    TIMES[$i]+="$WALL_US "
    CPUS[$i]+="$CPU_US "
  done
done

sorted() { tr ' ' '\n' <<< "$1" | grep . | sort -n | tr '\n' ' '; }
median() { local a=("$@") c=$#; if (( c % 2 )); then echo "${a[$((c / 2))]}"; else echo $(( (a[c / 2 - 1] + a[c / 2]) / 2 )); fi; }
ms() { awk -v us="$1" 'BEGIN { printf "%.0f", us / 1000 }'; }
{
  echo "Started: $STARTED; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
  echo "JDK: $($JAVA -version 2>&1 | head -2 | tail -1)"
  command -v kubectl >/dev/null && echo "kubectl: $(kubectl version --client 2>/dev/null | head -1)"
  echo "Jar: $JAR, $(stat -c %s "$JAR") bytes, $(unzip -Z1 "$JAR" | wc -l) entries"
  echo "Runs: $RUNS per command, interleaved, none discarded"
  [ -n "$LAUNCHER_FIRST" ] && echo "Launcher first run (creates the AppCDS archive, then runs validate): ${LAUNCHER_FIRST} ms"
  echo
  echo "| command | median ms | p90 ms | min ms | max ms | CPU median ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  for ((i = 0; i < n; i++)); do
    read -r -a v <<< "$(sorted "${TIMES[$i]}")"
    read -r -a u <<< "$(sorted "${CPUS[$i]}")"
    c=${#v[@]}
    p90=${v[$(( (9 * c + 9) / 10 - 1 ))]}
    echo "| ${LABELS[$i]} | $(ms "$(median "${v[@]}")") | $(ms "$p90") | $(ms "${v[0]}") | $(ms "${v[$((c - 1))]}") | $(ms "$(median "${u[@]}")") |"
  done
} | tee ${OUT:+"$OUT"}
