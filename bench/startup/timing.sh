# Sourced by the start-up harnesses: run_timed COMMAND sets WALL_US (wall time of the process, `date +%s%N` around it)
# and CPU_US (user + sys of the process and its children, bash `time`), output to /dev/null; a command that exits
# non-zero is run again to show its error and stops the harness (a fast failure is not a result).
run_timed() {
  local TIMEFORMAT='%3U %3S' s cpu
  s=$(date +%s%N)
  if ! cpu=$( { time bash -c "$1" >/dev/null 2>&1; } 2>&1 ); then
    echo "failed: $1" >&2
    bash -c "$1" >/dev/null || true
    exit 1
  fi
  WALL_US=$(( ($(date +%s%N) - s) / 1000 ))
  CPU_US=$(awk '{ printf "%d", ($1 + $2) * 1000000 }' <<< "$cpu")
}
