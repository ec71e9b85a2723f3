# Shared helpers for the service benchmarks (benches/ingest_vs_copy.sh, benches/verdict_load.sh).
# Source it from a script that has set ROOT (the repository) and WORK (a private temp directory).
# Not a benchmark by itself.

# shellcheck source=../scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Waits until no other `cargo bench` (e.g. another engineer's criterion run) is running, so the
# figures are not skewed by it. Compilation by others may still happen: the machine is shared.
wait_for_other_benches() {
    local waited=0
    while pgrep -f 'cargo bench' >/dev/null; do
        [ "$waited" = 0 ] && log "waiting for another 'cargo bench' to finish..."
        waited=1
        sleep 10
    done
}

# Builds the release binary and copies it into $WORK, so a concurrent rebuild of target/ by
# someone else cannot swap the binary under a running benchmark.
# ROLLGUARD_BIN=path skips the build and uses that binary instead; BENCH_REV=<commit> builds that
# commit from a clean export instead of the working tree (which others may be editing).
build_release() {
    local rev dirty=""
    rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ -n "${ROLLGUARD_BIN:-}" ]; then
        cp "$ROLLGUARD_BIN" "$WORK/rollguard"
        BIN="$WORK/rollguard"
        BUILD_DESC="rollguard binary $ROLLGUARD_BIN (checkout at $rev)"
        return 0
    fi
    if [ -n "${BENCH_REV:-}" ]; then
        # A clean export of one commit, so concurrent uncommitted edits are not measured; its own
        # target dir, so the shared target/release/rollguard is left alone.
        local full src target
        full=$(git -C "$ROOT" rev-parse --verify "$BENCH_REV^{commit}")
        src=/tmp/rollguard-bench-src-${full:0:12}
        target=${BENCH_TARGET_DIR:-/tmp/rollguard-bench-target}
        rm -rf "$src" && mkdir -p "$src"
        git -C "$ROOT" archive "$full" | tar -x -C "$src"
        # its own workspace root, so cargo does not pick up a stray Cargo.toml in a parent dir
        grep -q '^\[workspace\]' "$src/Cargo.toml" || printf '\n[workspace]\n' >>"$src/Cargo.toml"
        log "cargo build --release --bin rollguard of $BENCH_REV (${full:0:7}) in $src, target $target"
        (cd "$src" && CARGO_TARGET_DIR=$target cargo build --release --bin rollguard --quiet)
        cp "$target/release/rollguard" "$WORK/rollguard"
        rm -rf "$src"
        BIN="$WORK/rollguard"
        BUILD_DESC="rollguard @ ${full:0:7} (clean export of $BENCH_REV)"
        return 0
    fi
    log "cargo build --release --bin rollguard (first build takes a few minutes on 2 cores)"
    git -C "$ROOT" diff --quiet HEAD -- src migrations 2>/dev/null || dirty=" (+ uncommitted changes in src/)"
    (cd "$ROOT" && cargo build --release --bin rollguard --quiet)
    cp "$ROOT/target/release/rollguard" "$WORK/rollguard"
    BIN="$WORK/rollguard"
    BUILD_DESC="rollguard @ $rev$dirty"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ADMIN_URL: an admin URL on the `postgres` database (scripts/postgres.sh finds or starts one).
# A throwaway cluster installs its own EXIT trap; the calling script's `cleanup` (which calls
# stop_throwaway_postgres) is put back in its place.
setup_postgres() {
    ensure_postgres
    ADMIN_URL=$ROLLGUARD_TEST_DATABASE_URL
    if declare -F cleanup >/dev/null; then
        trap cleanup EXIT
    fi
}

db_url() {  # db_url NAME: the admin URL with its database replaced by NAME
    local base=${ADMIN_URL%%\?*}
    echo "${base%/*}/$1"
}

recreate_db() {
    psql "$ADMIN_URL" -qAt -v ON_ERROR_STOP=1 -c "drop database if exists $1 with (force)" >/dev/null
    psql "$ADMIN_URL" -qAt -v ON_ERROR_STOP=1 -c "create database $1" >/dev/null
}

drop_db() {
    [ -n "${ADMIN_URL:-}" ] || return 0
    psql "$ADMIN_URL" -qAt -c "drop database if exists $1 with (force)" >/dev/null 2>&1 || true
}

# start_server DATABASE_URL: starts `rollguard serve` on a free port; sets SERVER_PID and BASE.
start_server() {
    local port i
    port=$(free_port)
    : >"$WORK/server.out"
    DATABASE_URL="$1" ROLLGUARD_LOG=warn "$BIN" serve --listen "127.0.0.1:$port" \
        >"$WORK/server.out" 2>>"$WORK/server.err" &
    SERVER_PID=$!
    wait_listening "$1"
}

# wait_listening WHAT: waits for the "listening" line of the server started as SERVER_PID (its
# stdout in $WORK/server.out); sets BASE. Fails with the server's stderr if it exits first.
wait_listening() {
    local i
    for i in $(seq 1 300); do
        if grep -q '^rollguard listening on http://' "$WORK/server.out"; then
            BASE=$(sed -n 's/^rollguard listening on //p' "$WORK/server.out" | head -n 1)
            log "server pid $SERVER_PID at $BASE ($1)"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "rollguard serve did not start; stderr:" >&2
    cat "$WORK/server.err" >&2
    return 1
}

stop_server() {
    if [ -n "${CPU_TRACKER:-}" ]; then
        kill "$CPU_TRACKER" 2>/dev/null || true
        CPU_TRACKER=
    fi
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

# Postgres backends connected to database $1 (the service's pool, and psql while it runs).
pg_backends() {
    pgrep -f "postgres: .* $1 " || true
}

# CPU accounting of the server and its Postgres backends during a measurement. A backend can
# exit during the run (the pool discards a connection whose request was cancelled, e.g. when the
# load generator disconnects), taking its CPU figure with it; so a sampler records every pid's
# CPU ticks every 0.5 s and the last figure seen counts. Usage:
#   cpu_track_start DB; ...measure...; read -r srv db < <(cpu_track_stop DB)   # seconds
cpu_snapshot() {  # lines "srv|db PID TICKS"
    # One pgrep and one awk per snapshot, whatever the number of backends: a process per
    # backend every half second took about 4 % of a 2-core machine away from the measurement.
    local files=() p
    [ -n "${SERVER_PID:-}" ] && files+=("/proc/$SERVER_PID/stat")
    for p in $(pg_backends "$1"); do files+=("/proc/$p/stat"); done
    [ ${#files[@]} -gt 0 ] || return 0
    # getline skips a process that exited since pgrep (awk stops at a file it cannot open).
    awk -v srv="/proc/${SERVER_PID:-none}/stat" 'BEGIN {
        for (i = 1; i < ARGC; i++) {
            if ((getline line < ARGV[i]) <= 0) continue
            split(ARGV[i], f, "/"); sub(/^.*\) /, "", line); split(line, x, " ")
            print (ARGV[i] == srv ? "srv" : "db"), f[3], x[12] + x[13]
        }
    }' "${files[@]}"
    return 0
}
cpu_track_start() {
    cpu_snapshot "$1" >"$WORK/cpu.base"
    ( while :; do cpu_snapshot "$1"; sleep 0.5; done ) >"$WORK/cpu.samples" 2>/dev/null &
    CPU_TRACKER=$!
}
cpu_track_stop() {  # prints "SERVER_SECONDS DB_SECONDS"
    kill "$CPU_TRACKER" 2>/dev/null || true
    wait "$CPU_TRACKER" 2>/dev/null || true
    cpu_snapshot "$1" >>"$WORK/cpu.samples"
    awk -v tck="$(getconf CLK_TCK)" '
        NR == FNR { base[$1 " " $2] = $3; next }
        { k = $1 " " $2; if (!(k in last) || $3 > last[k]) last[k] = $3 }
        END {
            for (k in last) { split(k, a, " "); sum[a[1]] += last[k] - ((k in base) ? base[k] : 0) }
            printf "%.1f %.1f\n", sum["srv"] / tck, sum["db"] / tck
        }' "$WORK/cpu.base" "$WORK/cpu.samples"
}

now() { date +%s.%N; }

# Percentage of CPU time idle over the next $1 seconds (default 2), machine-wide.
idle_percent() {
    local a b
    a=($(head -n 1 /proc/stat)); sleep "${1:-2}"; b=($(head -n 1 /proc/stat))
    awk -v u1="${a[1]}" -v n1="${a[2]}" -v s1="${a[3]}" -v i1="${a[4]}" -v w1="${a[5]}" \
        -v u2="${b[1]}" -v n2="${b[2]}" -v s2="${b[3]}" -v i2="${b[4]}" -v w2="${b[5]}" \
        'BEGIN { t = (u2-u1)+(n2-n1)+(s2-s1)+(i2-i1)+(w2-w1); printf "%.0f", (t > 0 ? 100*((i2-i1)+(w2-w1))/t : 100) }'
}

# Before a measurement: no other `cargo bench`, then up to QUIET_WAIT seconds (default 60) for
# the machine to be mostly idle (>= 75% idle over 2 s). Sets IDLE to the last idle figure; the
# scripts print it so noisy runs can be told apart. Never fails: the machine is shared.
wait_for_quiet() {
    wait_for_other_benches
    local deadline=$((SECONDS + ${QUIET_WAIT:-60}))
    IDLE=$(idle_percent 2)
    while (( IDLE < 75 && SECONDS < deadline )); do
        log "machine busy (${IDLE}% idle), waiting..."
        sleep 5
        IDLE=$(idle_percent 2)
    done
}

# median_best LIST...: prints "median best" (best = highest) of numbers.
median_best() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%.0f %.0f\n", m, a[NR] }'
}
