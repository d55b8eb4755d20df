#!/usr/bin/env bash
# Cold start against the JVM floor (issue 19): `validate` within 6x and `render --backend kubernetes` within 8x of a
# Java hello world, all with plain `java -jar`, measured in the same run.
#
#   bench/startup/cold-start.sh [-n ROUNDS] [-o RESULT.md]
#
# Each round runs every row once, in the same order (hello world first), so the machine's load hits all rows alike;
# nothing is discarded. Per row: median, p90 (nearest rank) and min wall time (`date +%s%N` around the process), the
# median CPU time (user + sys, bash `time`) and two ratios to `java -jar hello.jar`: of the medians, and the median of
# the per-round ratios (each run divided by the hello world of its own round: steadier when the load drifts).
# The verdict uses the ratio of the medians. The load average is printed before and after.
#
# Environment: JAR (default cli/target/inferscale.jar), DOC (default the example document), JAVA (default java),
# BEFORE_JAR (adds `before:` rows for an older jar), LAUNCHER=1 (adds rows for cli/target/inferscale, the launcher
# with its AppCDS archive, created before the timed rounds; reported apart from the goal).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROUNDS=15
OUT=""
while getopts "n:o:" opt; do
  case $opt in
    n) ROUNDS=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) echo "usage: $0 [-n ROUNDS] [-o RESULT.md]" >&2; exit 64 ;;
  esac
done
JAVA=${JAVA:-java}
JAR=${JAR:-cli/target/inferscale.jar}
DOC=${DOC:-examples/src/main/resources/inference_endpoint.yaml}
WORK=bench/startup/target
mkdir -p "$WORK"
[ -f "$JAR" ] || { echo "no $JAR: build it with: mvn -B -q -pl cli -am package -DskipTests" >&2; exit 1; }
. bench/hello-jar.sh
hello_jar "$WORK"

LABELS=() CMDS=() GOALS=()
add() { LABELS+=("$1"); CMDS+=("$2"); GOALS+=("$3"); }
add "java -jar hello.jar" "$JAVA -jar $WORK/hello.jar" ""
if [ -n "${BEFORE_JAR:-}" ]; then
  add "before: validate" "$JAVA -jar $BEFORE_JAR validate -f $DOC" ""
  add "before: render --backend kubernetes" "$JAVA -jar $BEFORE_JAR render -f $DOC --backend kubernetes" ""
fi
add "java -jar inferscale.jar validate" "$JAVA -jar $JAR validate -f $DOC" 6
add "java -jar inferscale.jar render --backend kubernetes" "$JAVA -jar $JAR render -f $DOC --backend kubernetes" 8
if [ -n "${LAUNCHER:-}" ] && [ -x cli/target/inferscale ]; then
  cache=$WORK/cds-cache
  rm -rf "$cache"
  INFERSCALE_CDS_DIR=$cache cli/target/inferscale validate -f "$DOC" >/dev/null 2>&1
  add "launcher (AppCDS) validate" "env INFERSCALE_CDS_DIR=$cache cli/target/inferscale validate -f $DOC" ""
  add "launcher (AppCDS) render --backend kubernetes" "env INFERSCALE_CDS_DIR=$cache cli/target/inferscale render -f $DOC --backend kubernetes" ""
fi

STARTED="$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
n=${#CMDS[@]}
declare -a TIMES CPUS RATIOS
. bench/startup/timing.sh
for ((r = 1; r <= ROUNDS; r++)); do
  hello=0
  for ((i = 0; i < n; i++)); do
    run_timed "${CMDS[$i]}"
    (( i == 0 )) && hello=$WALL_US
    TIMES[i]+="$WALL_US "
    CPUS[i]+="$CPU_US "
    RATIOS[i]+="$(awk -v a="$WALL_US" -v b="$hello" 'BEGIN { printf "%.3f", a / b }') "
  done
done

sorted() { tr ' ' '\n' <<< "$1" | grep . | sort -g | tr '\n' ' '; }
median() { sorted "$1" | awk '{ n = NF; if (n % 2) print $((n + 1) / 2); else printf "%.3f\n", ($(n / 2) + $(n / 2 + 1)) / 2 }'; }
nth() { sorted "$1" | awk -v k="$2" '{ print $k }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.0f", us / 1000 }'; }
hello_median=$(median "${TIMES[0]}")
{
  echo "Started: $STARTED; ended: $(date -u '+%H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); JDK: $($JAVA -version 2>&1 | sed -n 2p)"
  echo "Jar: $JAR, $(stat -c %s "$JAR") bytes; $ROUNDS rounds, interleaved, none discarded"
  echo
  echo "| command | median ms | p90 ms | min ms | CPU median ms | x hello (medians) | x hello (median per round) | goal |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  for ((i = 0; i < n; i++)); do
    med=$(median "${TIMES[$i]}")
    p90=$(nth "${TIMES[$i]}" $(( (9 * ROUNDS + 9) / 10 )))
    min=$(nth "${TIMES[$i]}" 1)
    ratio=$(awk -v a="$med" -v b="$hello_median" 'BEGIN { printf "%.1f", a / b }')
    goal=""
    if [ -n "${GOALS[$i]}" ]; then
      goal=$(awk -v r="$ratio" -v g="${GOALS[$i]}" 'BEGIN { print (r <= g ? "<= " g "x: met" : "<= " g "x: NOT met") }')
    fi
    echo "| ${LABELS[$i]} | $(ms "$med") | $(ms "$p90") | $(ms "$min") | $(ms "$(median "${CPUS[$i]}")") | $ratio | $(awk -v x="$(median "${RATIOS[$i]}")" 'BEGIN { printf "%.1f", x }') | $goal |"
  done
} | tee ${OUT:+"$OUT"}
