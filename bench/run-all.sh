#!/bin/sh
# Runs every harness and JMH benchmark behind BENCHMARKS.md, one after another, and prints the machine and load
# around each. Usage (from the repository root, after `mvn -B -Pbench -DskipTests package -pl bench -am`):
#   sh bench/run-all.sh 2>&1 | tee bench/target/run-all.txt
set -e
JAR=bench/target/benchmarks.jar
machine() {
  echo "## $1 — $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || cat COMMIT 2>/dev/null || echo unknown), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine "Kubernetes fleet"
java -Xms512m -Xmx512m -cp $JAR io.inferscale.bench.kubernetes.KubernetesFleetBench 1000 8 2
machine "Kubernetes fleet, 100 endpoints"
java -Xms512m -Xmx512m -cp $JAR io.inferscale.bench.kubernetes.KubernetesFleetBench 100 8 3
machine "SageMaker fleet"
java -Xms512m -Xmx512m -cp $JAR io.inferscale.bench.sagemaker.SageMakerFleetBench 200 8 3
machine "Vertex fleet"
java -Xms512m -Xmx512m -cp $JAR io.inferscale.bench.vertex.VertexFleetBench 200 8 3
machine "kubectl comparison ($(kubectl version --client 2>/dev/null | head -1))"
java -Xmx256m -cp $JAR io.inferscale.bench.kubernetes.KubectlComparison /usr/bin/kubectl 2>/dev/null
machine "In-memory footprint"
java -Xms256m -Xmx256m -cp $JAR io.inferscale.bench.InMemoryFootprint 10000 3
machine "Simulator (JMH)"
java -jar $JAR SimulatorBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc -rf json -rff bench/target/jmh-simulator.json 2>&1 | grep -v '^#\|^$' | tail -40
machine "Fleet simulation (JMH)"
java -jar $JAR FleetSimulationBenchmark -rf json -rff bench/target/jmh-fleet-simulation.json 2>&1 | grep -v '^#\|^$' | tail -40
machine "Simulator per CPU-second"
java -Xms512m -Xmx512m -cp $JAR io.inferscale.bench.SimulationCpuTime 200 50 true
machine "Tune: 7 days at 15 s, three backends"
java -Xmx1g -cp $JAR io.inferscale.bench.TuneWallTime 3
machine "end"
