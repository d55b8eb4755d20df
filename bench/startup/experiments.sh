#!/usr/bin/env bash
# The start-up experiments of bench/results/startup-footprint.md, in one interleaved run of startup.sh:
# JVM flags (C1 only, Serial GC, an AppCDS archive with and without C1), a thin jar (the shaded jar's own
# cost), a one-class main inside the shaded jar, and optional extra jars (BEFORE_JAR, PROTO_JAR).
#
#   bench/startup/experiments.sh [-n RUNS] [-o RESULT.md]
#
# Builds its artifacts in bench/startup/target from cli/target/inferscale.jar:
#   thin.jar        only io/inferscale, picocli, org/yaml, org/slf4j: what validate without --backend needs
#   hello-big.jar   the shaded jar with a one-class Main-Class: the cost of opening a 100 MB, 47,000-entry jar
#   app.jsa         a dynamic AppCDS archive written by CdsTrainingRun (what the launcher makes)
# Environment: BEFORE_JAR (a jar from before the changes, rows "before: ..."), PROTO_JAR (a jar with a
# prototype change, rows "proto: ..."), DOC.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=15
OUT=""
while getopts "n:o:" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-o RESULT.md]" >&2; exit 64 ;;
  esac
done
JAR=$(pwd)/cli/target/inferscale.jar
DOC=${DOC:-examples/src/main/resources/inference_endpoint.yaml}
WORK=$(pwd)/bench/startup/target
mkdir -p "$WORK"

# thin.jar: what validate without --backend loads, nothing else
rm -rf "$WORK/thin" "$WORK/thin.jar" "$WORK/hello-big.jar" "$WORK/app.jsa"
mkdir -p "$WORK/thin"
(cd "$WORK/thin" && unzip -q "$JAR" 'META-INF/MANIFEST.MF' 'io/inferscale/*' 'picocli/*' 'org/yaml/*' 'org/slf4j/*' 'simplelogger.properties' \
  && jar cfm "$WORK/thin.jar" META-INF/MANIFEST.MF io picocli org simplelogger.properties)

# hello-big.jar: the shaded jar, Main-Class a one-class program
mkdir -p "$WORK/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$WORK/hello/Hello.java"
javac -d "$WORK/hello" "$WORK/hello/Hello.java"
cp "$JAR" "$WORK/hello-big.jar"
printf 'Main-Class: Hello\n' > "$WORK/hello/manifest-big.txt"
(cd "$WORK/hello" && jar ufm "$WORK/hello-big.jar" manifest-big.txt Hello.class 2>/dev/null)

# app.jsa: the launcher's archive, written by the training run against the jar's absolute path
java -XX:ArchiveClassesAtExit="$WORK/app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$JAR" io.inferscale.cli.CdsTrainingRun >/dev/null 2>&1
CDS="-XX:SharedArchiveFile=$WORK/app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"

X=(
  -x "C1 only (TieredStopAtLevel 1): validate=java -XX:TieredStopAtLevel=1 -jar $JAR validate -f $DOC"
  -x "C1 only (TieredStopAtLevel 1): render=java -XX:TieredStopAtLevel=1 -jar $JAR render -f $DOC --backend kubernetes"
  -x "Serial GC: validate=java -XX:+UseSerialGC -jar $JAR validate -f $DOC"
  -x "AppCDS only (no C1 flag): validate=java $CDS -jar $JAR validate -f $DOC"
  -x "AppCDS only (no C1 flag): render=java $CDS -jar $JAR render -f $DOC --backend kubernetes"
  -x "AppCDS + C1, no archive relocation: render=java $CDS -XX:TieredStopAtLevel=1 -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -jar $JAR render -f $DOC --backend kubernetes"
  -x "thin jar (1.4 MB): validate=java -jar $WORK/thin.jar validate -f $DOC"
  -x "one-class main inside the shaded jar=java -jar $WORK/hello-big.jar"
)
if [ -n "${PROTO_JAR:-}" ]; then
  X+=(-x "proto: validate=java -jar $PROTO_JAR validate -f $DOC")
  X+=(-x "proto: render=java -jar $PROTO_JAR render -f $DOC --backend kubernetes")
fi
JAR=$JAR DOC=$DOC bench/startup/startup.sh -n "$RUNS" ${OUT:+-o "$OUT"} "${X[@]}"
