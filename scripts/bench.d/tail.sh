# mr-tail beside GNU tail -F on a live file (scripts/tailbench.c measures):
# append-to-output latency (inotify, and polling every 100 ms), following a
# file written as fast as possible (lines/s of 100-byte lines), and the CPU
# used by 100 idle followed files over TAIL_IDLE_SECONDS (default 60).
make -s -C "$top" "${TOOLS#"$top"/}/tailbench"
tb=$TOOLS/tailbench
lat_lines=$((RECORDS < 2000 ? RECORDS : 2000))
echo "mr-tail: latency (a line every 5 ms, $lat_lines lines)"
echo "    mr-tail -b:            $("$tb" latency -n "$lat_lines" -i 5 "mr-tail -b")"
echo "    mr-tail -b --poll 100: $("$tb" latency -n 200 -i 20 "mr-tail -b --poll 100")"
echo "    tail -F -n +1:         $("$tb" latency -n "$lat_lines" -i 5 "tail -F -n +1")"
echo "mr-tail: follow a file written as fast as possible ($RECORDS lines of 100 bytes)"
for ((i = 0; i < RUNS; i++)); do
	echo "    mr-tail -b:     $("$tb" throughput -n "$RECORDS" "mr-tail -b")"
	echo "    tail -F -n +1:  $("$tb" throughput -n "$RECORDS" "tail -F -n +1" 2>/dev/null)"
done

# idle_cpu CMD: percent of one CPU used by CMD following 100 idle files.
idle_cpu() {
	local d=$WORK/idle secs=${TAIL_IDLE_SECONDS:-60} pid a b
	mkdir -p "$d"
	for i in $(seq 100); do echo start >"$d/f$i"; done
	(cd "$d" && exec $1 f{1..100} >/dev/null 2>&1) &
	pid=$!
	sleep 1
	a=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep "$secs"
	b=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	kill "$pid"
	wait "$pid" 2>/dev/null
	awk -v t=$((b - a)) -v hz="$(getconf CLK_TCK)" -v s="$secs" \
	    'BEGIN { printf "%.3f%% of a CPU (%d ticks in %d s)", 100 * t / hz / s, t, s }'
}
echo "mr-tail: 100 idle followed files"
echo "    mr-tail:            $(idle_cpu mr-tail)"
echo "    mr-tail --poll 1000: $(idle_cpu "mr-tail --poll 1000")"
echo "    tail -F:            $(idle_cpu "tail -F")"
