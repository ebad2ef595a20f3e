#!/bin/bash
# tests/bench/run.sh: `make bench`. Measures mod_rootcauses against httpd sending the same bytes
# from memory (tests/bench/mod_fixedbuf.c) and from a static file, and against the targets of
# issue 10 (docs/REFERENCE.md "Reloading and versions"): queries no cache has seen (instructions, requests/s, 1M vs 1k), the time from
# a data change to every process serving it, memory at 1M items with 2 and 8 children, the flip
# test (RSS and log lines while the data file flips between valid and invalid versions), load
# times, the CSV export. Prints a table (tests/bench/report.py): every target with its figure,
# what it is compared against, and whether it is met. A benchmark prints: it never fails because
# of a figure (exit status 1 only when it could not run at all). Not part of make check.
#
# Environment (set by the Makefile, like `make run`):
#   RC_SRCDIR RC_MODULE RC_HTTPD RC_HTTPD_MODULES APXS RC_CHECK (rootcauses-check)
# Knobs:
#   BENCH_SECONDS=5           seconds per wrk round
#   BENCH_ROUNDS=3            interleaved wrk rounds (figures are medians of same-round ratios)
#   BENCH_CALLGRIND_REQUESTS=200   requests per callgrind window (a, b, n, q)
#   BENCH_CALLGRIND_SECONDS=60     but no window longer than this (it then counts what it did)
#   BENCH_STRACE_REQUESTS=300      requests per strace window
#   BENCH_BIG=1000000         the "1M" data set (smaller for a quick try of the harness)
#   BENCH_MEM_SECONDS=10      seconds of wrk -c64 load before the memory is read (1M, 2 and 8 children)
#   BENCH_RELOAD_TRIALS=3     data changes timed at 100k items, idle and again under load
#   BENCH_RELOAD_TRIALS_BIG=2 the same at 1M items
#   BENCH_FLIP_SECONDS=30     seconds of the flip test (after 5 s of warm-up)
#   BENCH_ONLY="..."          only these steps (for work on the harness): load csv scale mem main
#                             strace callgrind reload flip reload-big
#   BENCH_WORKDIR=/tmp/rootcauses-bench   data sets are cached there between runs
#   BENCH_KEEP=1              keep this run's folder (configurations, logs, callgrind dumps)
#
# Steps: data sets and their other versions (cached) -> query lists -> build mod_fixedbuf ->
# load time and RSS at 1k, 100k, 1M -> CSV export of 1M rows -> 1M vs 1k queries without q and
# with 25% q -> memory at 1M, 2 and 8 children -> main server (a, b, s) beside a server without
# response cache (n, q); strace -> callgrind (httpd -X under valgrind, counters zeroed and dumped
# through mod_fixedbuf's fixedbuf-control handler, because callgrind_control/vgdb cannot wake an
# idle httpd on every machine) -> data changes at 100k, idle and under load -> the flip test ->
# data changes at 1M -> the table (tests/bench/report.py).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${RC_SRCDIR:-$(cd "$here/../.." && pwd)}
module=${RC_MODULE:-$PWD/mod_rootcauses/.libs/mod_rootcauses.so}
httpd=${RC_HTTPD:-$(command -v apache2 || command -v httpd || echo /usr/sbin/apache2)}
modules=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
apxs=${APXS:-$(command -v apxs || command -v apxs2 || echo /usr/bin/apxs)}
secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
cg_n=${BENCH_CALLGRIND_REQUESTS:-200}
cg_secs=${BENCH_CALLGRIND_SECONDS:-60}
st_n=${BENCH_STRACE_REQUESTS:-300}
big=${BENCH_BIG:-1000000}
mem_secs=${BENCH_MEM_SECONDS:-10}
rl_n=${BENCH_RELOAD_TRIALS:-3}
rl_big_n=${BENCH_RELOAD_TRIALS_BIG:-2}
flip_secs=${BENCH_FLIP_SECONDS:-30}
only=${BENCH_ONLY:-}
work=${BENCH_WORKDIR:-/tmp/rootcauses-bench}
PYTHON=${RC_PYTHON:-python3}

# The (a) URL: a repeated 20-item filtered HTML listing.
A_PATH='/rootcauses/reports?country=GT&from=2010&per_page=20'
CONC=32       # connections of the throughput rounds
LOAD_CONC=64  # connections of the load under which memory, reloads and the flip test are measured
Q_SHARE=0.25  # the share of q queries in the mix of the 1M vs 1k rounds and of the load

t_start=$(date +%s)
say() { printf 'bench [%3ds]: %s\n' $(($(date +%s) - t_start)) "$*"; }
die() { say "error: $*" >&2; exit 1; }
isnum() { [[ $1 =~ ^[0-9]+$ ]] && (($1 > 0)); }

isnum "$secs" || die "BENCH_SECONDS must be a positive integer, not '$secs'"
isnum "$rounds" || die "BENCH_ROUNDS must be a positive integer, not '$rounds'"
isnum "$cg_n" && isnum "$cg_secs" && isnum "$st_n" || die "bad BENCH_CALLGRIND_*/BENCH_STRACE_*"
isnum "$big" && ((big >= 1000)) || die "BENCH_BIG must be at least 1000"
isnum "$mem_secs" && isnum "$rl_n" && isnum "$rl_big_n" && isnum "$flip_secs" ||
    die "bad BENCH_MEM_SECONDS/BENCH_RELOAD_TRIALS*/BENCH_FLIP_SECONDS"
all_steps=" load csv scale mem main strace callgrind reload flip reload-big "
for s in $only; do [[ $all_steps == *" $s "* ]] || die "BENCH_ONLY: no step '$s' (steps:$all_steps)"; done
want() { [[ -z $only || " $only " == *" $1 "* ]]; }
[[ -x $httpd ]] || die "no httpd at '$httpd' (Debian package apache2)"
[[ -f $module ]] || die "no module at '$module': run make first"
[[ -f $modules/mod_mpm_event.so ]] || die "no $modules/mod_mpm_event.so"
command -v "$PYTHON" >/dev/null || die "no $PYTHON"
command -v curl >/dev/null || die "no curl"
have() { command -v "$1" >/dev/null 2>&1; }
have wrk || say "wrk is missing (Debian package wrk): throughput, memory under load, reload under load and flip figures will be skipped"
have valgrind || say "valgrind is missing: instruction counts will be skipped"
have strace || say "strace is missing: syscall counts will be skipped"
[[ -x $apxs ]] || say "apxs is missing (apache2-dev): the fixed-buffer baseline will be skipped"
[[ -f $modules/mod_status.so ]] || say "no $modules/mod_status.so: builds per change will not be counted"

sizes=(1000 100000 "$big")
label() { case $1 in 1000) echo 1k ;; 100000) echo 100k ;; 1000000) echo 1M ;; *) echo "$1" ;; esac; }
L_BIG=$(label "$big")

mkdir -p "$work" && chmod 755 "$work" || die "cannot create $work"
run=$(mktemp -d "$work/run.XXXXXX") || die "mktemp"
chmod 755 "$run"
results=$run/results.txt
: >"$results"
put() { printf '%s %s\n' "$1" "$2" >>"$results"; }

# One run measures one build, even if the tree is rebuilt meanwhile.
check_bin=${RC_CHECK:-$(dirname "$(dirname "$(dirname "$module")")")/rootcauses-check}
[[ -x $check_bin ]] || { say "no rootcauses-check at '$check_bin': the flip test guesses the invalid versions' messages"; check_bin=; }
cp "$module" "$run/mod_rootcauses.so" || die "cannot copy $module"
module=$run/mod_rootcauses.so
rev=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null) &&
    [[ -n $(git -C "$srcdir" status --porcelain -- mod_rootcauses 2>/dev/null) ]] && rev+=" with local changes to mod_rootcauses/"
put meta.rev "${rev:-unknown}"
put meta.load_start "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
[[ -n $only ]] && put meta.only "$only"

# ---------------------------------------------------------------- processes we started
pids=()        # httpd parents (or valgrind), stopped at exit
helpers=()     # strace, curl, wrk, samplers
stop_pid() {   # stop_pid PID: TERM, then KILL after 20 s
    local p=$1 i
    kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null
    for ((i = 0; i < 200; i++)); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    return 0
}
cleanup() {
    trap - EXIT INT TERM
    local p
    for p in "${helpers[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do stop_pid "$p"; done
    if [[ -s $run/report.txt ]]; then
        rm -rf "$work/last-run"
        mkdir -p "$work/last-run"
        cp "$run"/*.txt "$run"/*.log "$run"/*.conf "$work/last-run/" 2>/dev/null
        for p in "$run"/srv/*/error.log; do
            [[ -f $p ]] && cp "$p" "$work/last-run/error-$(basename "$(dirname "$p")").log"
        done
    fi
    if [[ ${BENCH_KEEP:-} == 1 ]]; then
        say "kept $run"
    else
        rm -rf "$run"
    fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

user_group=
run_as=()
if [[ $(id -u) -eq 0 ]]; then
    if id www-data >/dev/null 2>&1; then user=www-data group=www-data; else user=nobody group=nogroup; fi
    user_group=$'User '$user$'\nGroup '$group
    run_as=(setpriv --reuid="$user" --regid="$group" --clear-groups)
fi

free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- 1. data sets
gen_hash=$(cat "$here/gen_data.py" | sha256sum | cut -c1-16)
for n in "${sizes[@]}"; do
    d=$work/data-$n
    if [[ -f $d/.stamp && $(cat "$d/.stamp") == "$n $gen_hash" ]]; then
        say "data $(label "$n"): cached in $d ($(stat -c %s "$d/data.json") bytes)"
        continue
    fi
    if ((n >= 1000000)); then
        say "data $(label "$n"): generating $n items into $d (first time only: about 30 s per million)"
    else
        say "data $(label "$n"): generating $n items into $d"
    fi
    rm -rf "$d" "$d.tmp"
    if ! timeout 900 "$PYTHON" "$here/gen_data.py" "$n" "$d.tmp" >"$run/gen-$n.log" 2>&1; then
        cat "$run/gen-$n.log" >&2
        die "gen_data.py $n failed"
    fi
    mv "$d.tmp" "$d"
    echo "$n $gen_hash" >"$d/.stamp"
    chmod -R a+rX "$d"
done
data_100k=$work/data-100000
for n in "${sizes[@]}"; do put "json.$n" "$(stat -c %s "$work/data-$n/data.json")"; done

# Other versions of the 100k and 1M data files (tests/bench/variants.py): B (another title, so
# every ETag changes) for the reload figures; invalid ones for the flip test.
var_hash=$(cat "$here/gen_data.py" "$here/variants.py" | sha256sum | cut -c1-16)
for n in 100000 "$big"; do
    v=$work/variants-$n
    [[ -f $v/.stamp && $(cat "$v/.stamp") == "$n $var_hash" ]] && continue
    say "data $(label "$n"): writing other versions of the data file into $v (once)"
    rm -rf "$v"
    badopt=()
    ((n == 100000)) && badopt=(--bad)
    timeout 900 "$PYTHON" "$here/variants.py" "$work/data-$n/data.json" "$v" "${badopt[@]}" ||
        die "variants.py $n failed"
    echo "$n $var_hash" >"$v/.stamp"
    chmod -R a+rX "$v"
done

# Query lists (tests/bench/queries.py): gen_data.py's distinct queries split into those without
# q (nq.txt) and with q (q.txt), and a mix where exactly a quarter carry q (mix.txt).
mkdir -p "$run/q"
qinfo=$("$PYTHON" "$here/queries.py" "$data_100k/queries.txt" "$run/q" --q-share "$Q_SHARE") ||
    die "queries.py failed"
put meta.queries "$qinfo"
say "query lists: $qinfo"
Q_NQ=$run/q/nq.txt Q_Q=$run/q/q.txt Q_MIX=$run/q/mix.txt

# ---------------------------------------------------------------- 2. mod_fixedbuf
fixedbuf=
if [[ -x $apxs ]] && { want main || want strace || want callgrind; }; then
    say "building tests/bench/mod_fixedbuf.c with apxs"
    mkdir -p "$run/fixedbuf"
    cp "$here/mod_fixedbuf.c" "$run/fixedbuf/"
    if (cd "$run/fixedbuf" && timeout 120 "$apxs" -c mod_fixedbuf.c) >"$run/apxs.log" 2>&1 &&
        [[ -f $run/fixedbuf/.libs/mod_fixedbuf.so ]]; then
        fixedbuf=$run/fixedbuf/.libs/mod_fixedbuf.so
    else
        tail -20 "$run/apxs.log" >&2
        say "mod_fixedbuf did not build: the fixed-buffer baseline and callgrind will be skipped"
    fi
fi
mkdir -p "$run/static" "$run/www" "$run/logs" "$run/srv"
chmod -R a+rX "$run"

# ---------------------------------------------------------------- httpd configurations
log_config_load=
"$httpd" -l 2>/dev/null | grep -q 'mod_log_config\.c' || log_config_load="LoadModule log_config_module \"$modules/mod_log_config.so\""
status_conf= # mod_status with server-status?auto: RootCausesBuilds, Total Accesses
[[ -f $modules/mod_status.so ]] && status_conf="LoadModule status_module \"$modules/mod_status.so\"
<Location \"/server-status\">
    SetHandler server-status
    Require all granted
</Location>"

# write_conf NAME PORT [one-process] -- BODY: $run/NAME.conf; ServerRoot $run/srv/NAME.
# Optional, as assignments before the call: CHILDREN (2) and THREADS (32) of the event MPM,
# RUNTIME (DefaultRuntimeDir, where the built data versions are: $run/srv/NAME/run), EXTRA
# (more lines before BODY).
write_conf() {
    local fb_load=
    [[ -n $fixedbuf ]] && fb_load="LoadModule fixedbuf_module \"$fixedbuf\""
    local name=$1 port=$2 onep=${3:-} body=$4 root=$run/srv/$1 ug=$user_group
    local kids=${CHILDREN:-2} threads=${THREADS:-32} rt=${RUNTIME:-$run/srv/$1/run}
    mkdir -p "$root/run" "$rt"
    chmod 755 "$root"
    if [[ -n $onep ]]; then
        ug= # httpd -X under valgrind already runs as the unprivileged user
        [[ $(id -u) -eq 0 ]] && chown -R "$user" "$root"
    fi
    cat >"$run/$name.conf" <<EOF
ServerRoot "$root"
Listen 127.0.0.1:$port
ServerName 127.0.0.1
PidFile "$root/run/httpd.pid"
DefaultRuntimeDir "$rt"
ErrorLog "$root/error.log"
LogLevel warn
$ug
LoadModule mpm_event_module "$modules/mod_mpm_event.so"
LoadModule authz_core_module "$modules/mod_authz_core.so"
LoadModule alias_module "$modules/mod_alias.so"
LoadModule mime_module "$modules/mod_mime.so"
LoadModule rootcauses_module "$module"
$fb_load
TypesConfig /etc/mime.types
DocumentRoot "$run/www"
# One server, $kids children of $threads threads that are never stopped or added while measuring.
StartServers $kids
ServerLimit $kids
ThreadsPerChild $threads
ThreadLimit $threads
MaxRequestWorkers $((kids * threads))
MinSpareThreads 1
MaxSpareThreads $((kids * threads))
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 15
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
${EXTRA:-}
$body
EOF
}
rc_location() { # rc_location MOUNT DATADIR
    printf '<Location "%s">\n    SetHandler rootcauses\n    RootCausesData "%s/data.json"\n    Require all granted\n</Location>\n' "$1" "$2"
}
extra_locations() { # the baselines: /fixed, /static, /bench-control
    [[ -n $fixedbuf ]] && printf '<Location "/fixed">\n    SetHandler fixedbuf\n    FixedBufFile "%s"\n    Require all granted\n</Location>\n<Location "/bench-control">\n    SetHandler fixedbuf-control\n    Require all granted\n</Location>\n' "$run/static/file.html"
    printf 'Alias "/static" "%s"\n<Directory "%s">\n    Require all granted\n</Directory>\n' "$run/static" "$run/static"
}
# The servers that answer queries no cache may have seen (n, q, 1M vs 1k) have no response cache.
NOCACHE='RootCausesCacheSize 0'

# start_server NAME PORT [LIMIT]: starts httpd -f $run/NAME.conf; sets srv_pid and ready_s (seconds
# from start to the first 200 of /rootcauses/; to any answer if ready_any=1). Returns 1 if it is not
# up within LIMIT seconds.
ready_any=0
start_server() {
    local name=$1 port=$2 limit=${3:-120} t0 code
    t0=$(date +%s.%N)
    "$httpd" -f "$run/$name.conf" -DFOREGROUND >"$run/$name.out.log" 2>&1 &
    srv_pid=$!
    pids+=("$srv_pid")
    wait_ready "$srv_pid" "$port" "$limit" "$t0" "$run/srv/$name/error.log"
}
wait_ready() { # wait_ready PID PORT LIMIT T0 ERRORLOG
    local pid=$1 port=$2 limit=$3 t0=$4 log=$5 code
    while :; do
        code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/rootcauses/" 2>/dev/null)
        [[ $code == 200 ]] && break
        ((ready_any)) && [[ -n $code && $code != 000 ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            say "httpd (pid $pid) exited; its log:"; tail -5 "$log" >&2; return 1
        fi
        if (($(echo "$(date +%s.%N) - $t0 > $limit" | bc))); then
            say "httpd (pid $pid) not answering after ${limit}s"; return 1
        fi
        sleep 0.1
    done
    ready_s=$(echo "scale=3; ($(date +%s.%N) - $t0)/1" | bc)
}
children() { pgrep -P "$1" | tr '\n' ' '; }
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
anon_kb() { awk '/^RssAnon:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
status_value() { # status_value PORT KEY: a value of server-status?auto
    curl -s -m 30 "http://127.0.0.1:$1/server-status?auto" | sed -n "s/^$2: //p" | head -1
}

# wrk_run LOG URL [SCRIPT ARGS...]: one wrk round; sets rps and bad (non-2xx + socket errors).
wrk_run() {
    local log=$1 url=$2
    shift 2
    if (($#)); then
        timeout $((secs + 60)) wrk -t1 -c$CONC -d"${secs}s" --timeout 30s -s "$1" "$url" -- "${@:2}" >"$log" 2>&1
    else
        timeout $((secs + 60)) wrk -t1 -c$CONC -d"${secs}s" --timeout 30s "$url" >"$log" 2>&1
    fi
    wrk_figures "$log"
}
wrk_figures() { # wrk_figures LOG: sets rps and bad from a wrk report
    rps=$(awk '/^Requests\/sec:/{print $2}' "$1")
    rps=${rps:-0}
    bad=$(awk '/Non-2xx/{n+=$NF} /Socket errors/{gsub(",", ""); n+=$4+$6+$8+$10} END{print n+0}' "$1")
}
# load_start PORT SECONDS LOG [OFFSET]: wrk -t2 -c$LOAD_CONC in the background over the query mix
# (every request a query of mix.txt, a quarter with q); sets load_pid.
load_start() {
    timeout $(($2 + 120)) wrk -t2 -c$LOAD_CONC -d"$2s" --timeout 30s -s "$here/random.lua" \
        "http://127.0.0.1:$1/" -- "$Q_MIX" /rootcauses/ "${4:-0}" >"$3" 2>&1 &
    load_pid=$!
    helpers+=("$load_pid")
}
load_stop() { # load_stop: wrk is stopped (its report is lost: the server's own counts are used)
    kill -TERM "$load_pid" 2>/dev/null
    wait "$load_pid" 2>/dev/null
}

# ---------------------------------------------------------------- 3. load time and RSS
# The 100k server listens where the main server will (step 6), so that the (a) bytes it saves for
# /fixed and /static are those of the main server (its links carry the port).
main_port=$(free_port)
t_conf() { # t_conf CONF: seconds that httpd -t takes (empty if it fails)
    local t0 t1
    t0=$(date +%s.%N)
    timeout 900 "$httpd" -t -f "$1" >"$1.t.log" 2>&1 || { cat "$1.t.log" >&2; return 1; }
    t1=$(date +%s.%N)
    echo "scale=3; ($t1 - $t0)/1" | bc
}
declare -A port_of pid_of
if want load || want csv || want scale; then
    port_empty=$(free_port)
    write_conf empty "$port_empty" "" ""
    base_t=
    for ((i = 0; i < 3; i++)); do
        t1=$(t_conf "$run/empty.conf") || die "httpd -t fails on a configuration without data"
        [[ -z $base_t ]] || (($(echo "$t1 < $base_t" | bc))) && base_t=$t1
    done
    put load0 "$base_t"
    say "httpd -t without data: ${base_t}s, best of 3 (the baseline of the load times)"
    ready_any=1
    if start_server empty "$port_empty" 60; then
        timeout 30 "$PYTHON" "$here/client.py" "$port_empty" /nothing -n 20 >/dev/null
        max=0 kids=$(children "$srv_pid")
        for c in $kids; do r=$(rss_kb "$c"); ((r > max)) && max=$r; done
        put rss0 "$max"
        say "httpd without data: RSS per child $((max / 1024)) MB (the baseline of the RSS figures)"
        stop_pid "$srv_pid"
    fi
    ready_any=0

    for n in "${sizes[@]}"; do
        L=$(label "$n")
        port=$(free_port)
        ((n == 100000)) && port=$main_port
        nocache=$NOCACHE
        ((n == 100000)) && nocache=
        # The 1k and 1M servers answer the 1M vs 1k rounds: no response cache.
        write_conf "load-$n" "$port" "" "$nocache
$(rc_location /rootcauses "$work/data-$n")"
        # The best of 3 below 1M items (other work on the machine only ever adds time), 1M once.
        # httpd -t builds the data in memory and writes no image: each try is a whole build.
        tries=3
        ((n >= 1000000)) && tries=1
        say "load $L: httpd -t with $(stat -c %s "$work/data-$n/data.json") bytes of JSON, best of $tries"
        t=
        for ((i = 0; i < tries; i++)); do
            t1=$(t_conf "$run/load-$n.conf") || die "httpd -t fails with the $L data set"
            [[ -z $t ]] || (($(echo "$t1 < $t" | bc))) && t=$t1
        done
        put "load.$n" "$t"
        say "load $L: httpd -t ${t}s; starting httpd on 127.0.0.1:$port"
        start_server "load-$n" "$port" 900 || die "httpd with the $L data set did not start"
        put "ready.$n" "$ready_s"
        port_of[$n]=$port pid_of[$n]=$srv_pid
        # A few requests on every child (wrk spreads its connections over both).
        if have wrk; then
            timeout 60 wrk -t1 -c4 -d1s --timeout 30s "http://127.0.0.1:$port$A_PATH" >"$run/warm-$n.log" 2>&1
        else
            timeout 60 "$PYTHON" "$here/client.py" "$port" "$A_PATH" -n 20 >/dev/null
        fi
        max=0 kids=$(children "$srv_pid")
        for c in $kids; do r=$(rss_kb "$c"); ((r > max)) && max=$r; done
        put "rss.$n" "$max"
        put "rssparent.$n" "$(rss_kb "$srv_pid")"
        img=$(stat -c %s "$run/srv/load-$n/run/rootcauses/"*.img 2>/dev/null | head -1)
        put "img.$n" "${img:-0}"
        say "load $L: ready ${ready_s}s after start; RSS per child (max of: $kids) $((max / 1024)) MB, parent $(($(rss_kb "$srv_pid") / 1024)) MB; image $((${img:-0} / 1048576)) MB"
        if ((n == 100000)); then
            # The bytes of the (a) response, for the fixed buffer and the static file.
            curl -s -o "$run/static/file.html" "http://127.0.0.1:$port$A_PATH"
            chmod a+r "$run/static/file.html"
            put body.a "$(stat -c %s "$run/static/file.html")"
            say "(a) $A_PATH: $(stat -c %s "$run/static/file.html") bytes saved for /fixed and /static"
            stop_pid "$srv_pid"
        fi
    done
fi

# ---------------------------------------------------------------- 4. CSV export of 1M rows
# Memory must not grow with the rows: the figure is the growth of RssAnon (heap, pools: what a
# child allocates). VmRSS also counts the pages of the mapped image that the export reads (the
# page cache's, shared by every process), so its growth is shown beside it.
if want csv && [[ -n ${pid_of[$big]:-} ]]; then
    n=$big L=$(label "$n") port=${port_of[$n]} p=${pid_of[$n]}
    say "CSV: streaming /rootcauses/reports.csv of the $L server to a pipe, RSS of its children sampled every 50 ms"
    declare -A base_rss base_anon
    kids=$(children "$p")
    for c in $kids; do base_rss[$c]=$(rss_kb "$c") base_anon[$c]=$(anon_kb "$c"); done
    t0=$(date +%s.%N)
    (curl -s -N "http://127.0.0.1:$port/rootcauses/reports.csv" -m 600 | wc -lc >"$run/csv.txt") &
    csv_pid=$!
    helpers+=("$csv_pid")
    peak=0 peak_anon=0
    while kill -0 "$csv_pid" 2>/dev/null; do
        for c in $kids; do
            r=$(rss_kb "$c") a=$(anon_kb "$c")
            ((r - ${base_rss[$c]:-0} > peak)) && peak=$((r - ${base_rss[$c]:-0}))
            ((a - ${base_anon[$c]:-0} > peak_anon)) && peak_anon=$((a - ${base_anon[$c]:-0}))
        done
        sleep 0.05
    done
    wait "$csv_pid"
    csv_s=$(echo "scale=2; ($(date +%s.%N) - $t0)/1" | bc)
    read -r rows bytes <"$run/csv.txt" || rows=0 bytes=0
    put csv.growth "$peak"
    put csv.anon "$peak_anon"
    put csv.rows "$((rows > 0 ? rows - 1 : 0))"
    put csv.bytes "$bytes"
    put csv.seconds "$csv_s"
    base_max=0 base_anon_max=0
    for c in $kids; do
        ((${base_rss[$c]} > base_max)) && base_max=${base_rss[$c]}
        ((${base_anon[$c]} > base_anon_max)) && base_anon_max=${base_anon[$c]}
    done
    put csv.base "$base_max"
    put csv.anonbase "$base_anon_max"
    say "CSV: $((rows > 0 ? rows - 1 : 0)) rows, $bytes bytes in ${csv_s}s; peak growth of a child: RssAnon $((peak_anon / 1024)) MB (from $((base_anon_max / 1024)) MB), VmRSS $((peak / 1024)) MB (from $((base_max / 1024)) MB)"
fi

# ---------------------------------------------------------------- 5. 1M vs 1k queries
# Same queries (random.lua, same offset) against the 1k and the 1M server, neither with a response
# cache: without q (nq.txt), and the mix with a quarter q (mix.txt). The order of the four rotates
# each round; figures are medians of the same-round ratios 1M/1k.
if want scale && have wrk && [[ -n ${pid_of[$big]:-} && -n ${pid_of[1000]:-} ]]; then
    say "1M vs 1k: $rounds interleaved rounds of ${secs}s, queries without q and with $Q_SHARE of them with q, $CONC connections, no response cache"
    declare -A qfile=([nq]=$Q_NQ [mix]=$Q_MIX)
    combos=("nq 1000" "nq $big" "mix 1000" "mix $big")
    for ((r = 1; r <= rounds; r++)); do
        line=
        for ((i = 0; i < ${#combos[@]}; i++)); do
            read -r qs n <<<"${combos[$(((i + r - 1) % ${#combos[@]}))]}"
            wrk_run "$run/wrk-$qs$n-$r.log" "http://127.0.0.1:${port_of[$n]}/" \
                "$here/random.lua" "${qfile[$qs]}" /rootcauses/ $((r * 7919))
            put "rps.$qs$n.$r" "$rps"
            put "bad.$qs$n.$r" "$bad"
            line+=" $qs/$(label "$n")=$rps"
            ((bad > 0)) && line+="($bad bad)"
        done
        say "  round $r requests/s:$line"
    done
fi
for n in 1000 "$big"; do [[ -n ${pid_of[$n]:-} ]] && stop_pid "${pid_of[$n]}"; done

# ---------------------------------------------------------------- 6. memory at 1M items
# The shipped configuration (response cache of 32 MB) with 2 children of 80 threads, then 8 of 20,
# in the DefaultRuntimeDir of the 1M server above, whose image they map (no build: the builds are
# counted). Load: wrk -c64 over the query mix, then the 600k-row CSV; then tests/bench/mem.py
# reads /proc/PID/status, smaps_rollup and smaps of the parent and every child.
if want mem; then
    rt_big=$run/srv/load-$big/run
    for kids_n in 2 8; do
        port=$(free_port)
        CHILDREN=$kids_n THREADS=$((160 / kids_n)) RUNTIME=$rt_big EXTRA=$status_conf \
            write_conf "mem-$kids_n" "$port" "" "$(rc_location /rootcauses "$work/data-$big")"
        say "memory $L_BIG: httpd with $kids_n children of $((160 / kids_n)) threads"
        start_server "mem-$kids_n" "$port" 900 || { say "memory: httpd with $kids_n children did not start"; continue; }
        p=$srv_pid
        put "mem.$kids_n.ready" "$ready_s"
        put "mem.$kids_n.builds" "$(status_value "$port" RootCausesBuilds)"
        if have wrk; then
            load_start "$port" "$mem_secs" "$run/wrk-mem-$kids_n.log" 4242
            wait "$load_pid"
            wrk_figures "$run/wrk-mem-$kids_n.log"
            put "mem.$kids_n.rps" "$rps"
            put "mem.$kids_n.bad" "$bad"
        fi
        curl -s -o /dev/null -m 600 "http://127.0.0.1:$port/rootcauses/reports.csv"
        "$PYTHON" "$here/mem.py" "$p" >"$run/mem-$kids_n.txt"
        sum=$(sed -n 's/^summary //p' "$run/mem-$kids_n.txt")
        put "mem.$kids_n" "$sum"
        say "memory $L_BIG, $kids_n children (ready ${ready_s}s, builds $(status_value "$port" RootCausesBuilds)): $sum"
        stop_pid "$p"
    done
fi

# ---------------------------------------------------------------- 7. main server: a, b, s; n, q
# The main server (100k items, the shipped response cache) answers (a), (b), (s); beside it a
# server of the same data without response cache answers (n) queries without q and (q) queries with
# q, so that no cache answers them whatever the rounds repeat.
if { want main || want strace || want callgrind; } && [[ ! -s $run/static/file.html ]]; then
    # The (a) bytes, when step 3 did not run.
    write_conf body "$main_port" "" "$(rc_location /rootcauses "$data_100k")"
    start_server body "$main_port" 300 || die "the 100k server did not start"
    curl -s -o "$run/static/file.html" "http://127.0.0.1:$main_port$A_PATH"
    chmod a+r "$run/static/file.html"
    put body.a "$(stat -c %s "$run/static/file.html")"
    stop_pid "$srv_pid"
fi
if want main || want strace; then
    port=$main_port
    write_conf main "$port" "" "$(rc_location /rootcauses "$data_100k")
$(extra_locations)"
    say "main server: /rootcauses (100k items), /fixed, /static on 127.0.0.1:$port"
    start_server main "$port" 300 || die "the main server did not start"
    main_pid=$srv_pid
    base=http://127.0.0.1:$port
    curl -s -o "$run/check-a.html" "$base$A_PATH"
    cmp -s "$run/check-a.html" "$run/static/file.html" ||
        say "note: (a) answers different bytes on the main server than on the 100k server"
    [[ -n $fixedbuf ]] && { curl -s -o "$run/check-b.html" "$base/fixed"; cmp -s "$run/check-b.html" "$run/static/file.html" || say "note: /fixed differs from the (a) bytes"; }
    curl -s -o "$run/check-s.html" "$base/static/file.html"
    cmp -s "$run/check-s.html" "$run/static/file.html" || say "note: /static differs from the (a) bytes"
fi
if want main; then
    miss_port=$(free_port)
    write_conf miss "$miss_port" "" "$NOCACHE
$(rc_location /rootcauses "$data_100k")"
    say "server without response cache: /rootcauses (100k items) on 127.0.0.1:$miss_port"
    start_server miss "$miss_port" 300 || die "the server without cache did not start"
    miss_pid=$srv_pid
    for k in nq q; do
        f=$Q_NQ
        [[ $k == q ]] && f=$Q_Q
        out=$(timeout 300 "$PYTHON" "$here/client.py" "$miss_port" "@$f" --prefix /rootcauses/ -n 500 --deadline 60)
        say "($k) check of the query list, first 500: $out"
        put "check.$k" "${out##*status=}"
    done

    declare -A url_of=([a]="$base$A_PATH" [b]="$base/fixed" [s]="$base/static/file.html"
        [n]="http://127.0.0.1:$miss_port/" [q]="http://127.0.0.1:$miss_port/")
    declare -A list_of=([n]=$Q_NQ [q]=$Q_Q)
    kinds=(a s n q)
    [[ -n $fixedbuf ]] && kinds=(a b s n q)
    if have wrk; then
        say "warm-up: 1 s of wrk per URL"
        for k in "${kinds[@]}"; do
            if [[ -n ${list_of[$k]:-} ]]; then
                timeout 60 wrk -t1 -c$CONC -d1s --timeout 30s -s "$here/random.lua" "${url_of[$k]}" -- "${list_of[$k]}" /rootcauses/ 90000 >/dev/null 2>&1
            else
                timeout 60 wrk -t1 -c$CONC -d1s --timeout 30s "${url_of[$k]}" >/dev/null 2>&1
            fi
        done
        say "rounds: $rounds x (${kinds[*]}) for ${secs}s each, wrk -t1 -c$CONC, order rotated per round"
        for ((r = 1; r <= rounds; r++)); do
            line=
            for ((i = 0; i < ${#kinds[@]}; i++)); do
                k=${kinds[$(((i + r - 1) % ${#kinds[@]}))]}
                if [[ -n ${list_of[$k]:-} ]]; then
                    wrk_run "$run/wrk-$k-$r.log" "${url_of[$k]}" "$here/random.lua" "${list_of[$k]}" /rootcauses/ $((r * 7919))
                else
                    wrk_run "$run/wrk-$k-$r.log" "${url_of[$k]}"
                fi
                put "rps.$k.$r" "$rps"
                put "bad.$k.$r" "$bad"
                line+=" $k=$rps"
                ((bad > 0)) && line+="($bad bad)"
            done
            say "  round $r requests/s:$line"
        done
    fi
    stop_pid "$miss_pid"
fi

# Syscalls per request: strace -f -c on both children over one keep-alive connection. The client
# waits 10 ms after each response, so that every request finds its worker done with the one
# before and pays the same event-MPM keep-alive hand-off (a read that finds nothing, epoll_ctl,
# the listener's epoll_wait, futex): without the pause, a slow handler would look cheaper because
# the next request is already there when its worker looks for one.
if want strace && have strace; then
    kids=$(children "$main_pid")
    declare -A st_path=([a]="$A_PATH" [b]=/fixed [s]=/static/file.html)
    st_kinds=(a s)
    [[ -n $fixedbuf ]] && st_kinds=(a b s)
    # Last, a window as long as (a)'s without requests: what the children do on their own
    # (timers, the data file's reload check), taken off pro rata.
    st_kinds+=(idle)
    win_a=5
    for k in "${st_kinds[@]}"; do
        args=()
        for c in $kids; do args+=(-p "$c"); done
        t0=$(date +%s.%N)
        strace -f -c -o "$run/strace-$k.txt" "${args[@]}" 2>"$run/strace-$k.log" &
        st=$!
        helpers+=("$st")
        sleep 2 # attach to every thread
        if [[ $k == idle ]]; then
            sleep "$(echo "$win_a - 2.5" | bc)"
            out="requests=0"
        else
            out=$(timeout 300 "$PYTHON" "$here/client.py" "$main_port" "${st_path[$k]}" -n "$st_n" --deadline 120 --pause 0.01)
        fi
        sleep 0.5
        kill -INT "$st" 2>/dev/null
        wait "$st" 2>/dev/null
        win=$(echo "scale=3; ($(date +%s.%N) - $t0)/1" | bc)
        [[ $k == a ]] && win_a=$win
        reqs=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$out")
        # Rows: % time, seconds, usecs/call, calls, [errors,] syscall. The event MPM's keep-alive
        # hand-off: futex, epoll_*, and the reads that found nothing (their errors, EAGAIN).
        read -r calls handoff < <(awk '$1 !~ /^(%|-)/ && NF >= 5 && $NF != "total" {
                c = $4; e = (NF == 6) ? $5 : 0; all += c
                if ($NF == "futex" || $NF ~ /^epoll/) ho += c; else if ($NF == "read") ho += e
            } END {print all + 0, ho + 0}' "$run/strace-$k.txt")
        put "sys.$k" "${calls:-0}"
        put "sysho.$k" "${handoff:-0}"
        put "sysn.$k" "${reqs:-0}"
        put "syswin.$k" "$win"
        if [[ $k == idle ]]; then
            say "strace (idle): ${calls:-?} syscalls in ${win}s without requests, ${handoff:-?} of them in the MPM's hand-off code"
            continue
        fi
        top=$(awk -v n="${reqs:-1}" '$1 !~ /^(%|-)/ && NF >= 5 && $NF != "total" {c = $4; if (c / n >= 0.05) printf "%s %.2f\n", $NF, c / n}' "$run/strace-$k.txt" |
            sort -k2,2gr | awk '{printf "%s%s:%s", sep, $1, $2; sep=","}')
        put "systop.$k" "${top:--}"
        say "strace ($k): ${calls:-?} syscalls in $reqs requests on one connection (${win}s), ${handoff:-?} of them keep-alive hand-off: $top"
    done
fi
[[ -n ${main_pid:-} ]] && stop_pid "$main_pid"

# ---------------------------------------------------------------- 8. callgrind
# cg_server NAME PORT: httpd -X -f $run/NAME.conf under valgrind --tool=callgrind, instrumentation
# off until the first window; dumps go to $run/cg-NAME/. Sets vg_pid; returns 1 if it is not up.
cg_server() {
    local name=$1 port=$2 t0
    mkdir -p "$run/cg-$name"
    chmod 777 "$run/cg-$name"
    t0=$(date +%s.%N)
    timeout 1800 "${run_as[@]}" valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$run/cg-$name/cg.out" "$httpd" -X -f "$run/$name.conf" -DFOREGROUND \
        >"$run/valgrind-$name.log" 2>&1 &
    vg_pid=$!
    pids+=("$vg_pid")
    cg_port=$port
    if ! wait_ready "$vg_pid" "$port" 900 "$t0" "$run/srv/$name/error.log"; then
        say "callgrind: httpd did not come up under valgrind; see $run/valgrind-$name.log"
        tail -5 "$run/valgrind-$name.log" >&2
        return 1
    fi
}
cg_ctl() { curl -s -m 120 "http://127.0.0.1:$cg_port/bench-control?$1" >/dev/null; }
# cg_window LABEL PATH|@LIST PREFIX [OFFSET]: zero, the requests, a dump labelled LABEL.
declare -A cg_reqs=()
cg_window() {
    local out reqs
    cg_ctl zero
    out=$(timeout $((cg_secs + 600)) "$PYTHON" "$here/client.py" "$cg_port" "$2" \
        --prefix "$3" --offset "${4:-0}" -n "$cg_n" --deadline "$cg_secs")
    cg_ctl "dump=$1"
    reqs=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$out")
    cg_reqs[$1]=${reqs:-0}
    put "cgn.$1" "${reqs:-0}"
    say "callgrind ($1): $out"
}
# cg_collect NAME: ir.LABEL (instructions since the last zero) and irtop.LABEL (the functions
# with the most instructions of their own, per request; the whole listing stays in the run's folder).
cg_collect() {
    local f lbl tot top
    for f in "$run/cg-$1"/cg.out.*; do
        [[ -f $f ]] || continue
        lbl=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
        tot=$(awk '/^totals:/{print $2; exit}' "$f")
        [[ -n $lbl && -n $tot ]] || continue
        put "ir.$lbl" "$tot"
        if have callgrind_annotate && [[ $lbl != empty* ]]; then
            callgrind_annotate "$f" >"$run/callgrind-$lbl.txt" 2>/dev/null
            callgrind_annotate --inclusive=yes "$f" >"$run/callgrind-$lbl-inclusive.txt" 2>/dev/null
            top=$(awk -v n="${cg_reqs[$lbl]:-1}" '/^ *[0-9,]+ \(/ && !/PROGRAM TOTALS/ && k < 6 {
                    c = $1; gsub(",", "", c); f = $0; sub(/ \[.*$/, "", f); sub(/^.*:/, "", f)
                    printf "%s%s %.1fk", sep, f, c / n / 1000; sep = ", "; k++ }' "$run/callgrind-$lbl.txt")
            put "irtop.$lbl" "${top:--}"
        fi
    done
}

# The main windows, 100k items, the shipped response cache: (a) and (b) repeat one URL; (n) and
# (q) take queries without and with q from their lists, each once and never sent before in this
# process (the warm-up takes other lines): no cache has seen them, and the count includes storing
# each answer into the response cache.
if want callgrind && have valgrind && [[ -n $fixedbuf ]]; then
    port=$(free_port)
    write_conf cg "$port" one-process "$(rc_location /rootcauses "$data_100k")
$(extra_locations)"
    say "callgrind: httpd -X under valgrind with the 100k data (starting takes a while)"
    if cg_server cg "$port"; then
        say "callgrind: up after ${ready_s}s; instrumentation on, warm-up"
        cg_ctl start
        timeout 600 "$PYTHON" "$here/client.py" "$port" "$A_PATH" -n 3 >/dev/null
        timeout 600 "$PYTHON" "$here/client.py" "$port" /fixed -n 3 >/dev/null
        timeout 600 "$PYTHON" "$here/client.py" "$port" "@$Q_NQ" --prefix /rootcauses/ --offset 19000 -n 3 >/dev/null
        timeout 600 "$PYTHON" "$here/client.py" "$port" "@$Q_Q" --prefix /rootcauses/ --offset 19000 -n 3 >/dev/null
        cg_ctl zero; cg_ctl dump=empty
        cg_window a "$A_PATH" ""
        cg_window b /fixed ""
        cg_window n "@$Q_NQ" /rootcauses/
        cg_window q "@$Q_Q" /rootcauses/
        cg_collect cg
    fi
    stop_pid "$vg_pid"
fi

# The same queries at 1k, 100k and 1M items (the cost behind the 1M vs 1k figures): one httpd -X
# with the three data sets and no response cache, like the servers of the 1M vs 1k rounds; the
# images are built first by the same configuration without valgrind (the 1M one is already in the
# 1M server's DefaultRuntimeDir), so that valgrind only maps them.
if want callgrind && have valgrind && [[ -n $fixedbuf ]]; then
    rt=$run/srv/load-$big/run
    body="$NOCACHE
$(rc_location /q1000 "$work/data-1000")
$(rc_location /q100000 "$data_100k")
$(rc_location /rootcauses "$work/data-$big")
$(extra_locations)"
    port=$(free_port)
    RUNTIME=$rt write_conf cgprime "$port" "" "$body"
    say "callgrind at 1k, 100k and $L_BIG items: building the images without valgrind"
    if start_server cgprime "$port" 900; then
        stop_pid "$srv_pid"
        port=$(free_port)
        RUNTIME=$rt write_conf cgscale "$port" one-process "$body"
        say "callgrind at 1k, 100k and $L_BIG items: httpd -X under valgrind, the same $cg_n queries at each size"
        if cg_server cgscale "$port"; then
            cg_ctl start
            for n in 1000 100000 "$big"; do
                pre=/q$n/
                ((n == big)) && pre=/rootcauses/
                timeout 600 "$PYTHON" "$here/client.py" "$port" "@$Q_NQ" --prefix "$pre" --offset 19000 -n 3 >/dev/null
                timeout 600 "$PYTHON" "$here/client.py" "$port" "@$Q_Q" --prefix "$pre" --offset 19000 -n 3 >/dev/null
            done
            cg_ctl zero; cg_ctl dump=empty-scale
            for n in 1000 100000 "$big"; do
                pre=/q$n/
                ((n == big)) && pre=/rootcauses/
                cg_window "n$n" "@$Q_NQ" "$pre"
                cg_window "q$n" "@$Q_Q" "$pre"
            done
            cg_collect cgscale
        fi
        stop_pid "$vg_pid"
    fi
fi

# ---------------------------------------------------------------- 9. data changes, flip test
# A server in the shipped configuration (RootCausesReloadInterval 2, response cache) with
# mod_status and an access log of the probes of tests/bench/reload.py, serving a copy of the data
# set. reload.py renames another version over the data file and polls new connections until every
# child has answered with the new ETag (the log names the child). First idle, then under wrk -c64
# load over the query mix.
reload_server() { # reload_server N: starts it; sets rl_port, rl_pid, rl_dir
    local n=$1 name=reload-$1
    rl_dir=$run/$name
    rm -rf "$rl_dir"
    mkdir -p "$rl_dir"
    cp -r "$work/data-$n/pages" "$rl_dir/"
    cp "$work/data-$n/data.json" "$rl_dir/data.json"
    chmod -R a+rX "$rl_dir"
    rl_port=$(free_port)
    CHILDREN=2 THREADS=80 EXTRA="$log_config_load
$status_conf
CustomLog \"$run/srv/$name/probes.log\" \"%{msec}t %P %{ETag}o %>s %q\" \"expr=%{QUERY_STRING} =~ /^probe=/\"" \
        write_conf "$name" "$rl_port" "" "$(rc_location /rootcauses "$rl_dir")"
    start_server "$name" "$rl_port" 900 || return 1
    rl_pid=$srv_pid
}
reload_trials() { # reload_trials N TRIALS TIMEOUT: idle, then under load
    local n=$1 trials=$2 limit=$3 L mode out
    L=$(label "$n")
    for mode in idle load; do
        [[ $mode == load ]] && ! have wrk && continue
        if [[ $mode == load ]]; then
            load_start "$rl_port" 3600 "$run/wrk-reload-$n.log" 777
            sleep 3
        fi
        say "data change at $L items ($mode): $trials changes, every child polled on new connections"
        timeout $((trials * (limit + 30) + 60)) "$PYTHON" "$here/reload.py" "$rl_port" "$rl_pid" \
            "$rl_dir/data.json" "$run/srv/reload-$n/probes.log" \
            "$work/variants-$n/b.json" "$work/data-$n/data.json" \
            --trials "$trials" --timeout "$limit" --images "$run/srv/reload-$n/run/rootcauses" \
            >"$run/reload-$n-$mode.txt" 2>&1
        [[ $mode == load ]] && load_stop
        while read -r line; do say "  $line"; done < <(grep '^trial' "$run/reload-$n-$mode.txt")
        out=$(sed -n 's/^summary //p' "$run/reload-$n-$mode.txt")
        [[ -n $out ]] || { say "reload.py failed:"; tail -5 "$run/reload-$n-$mode.txt" >&2; }
        put "reload.$n.$mode" "$out"
    done
}
if want reload || want flip; then
    if reload_server 100000; then
        want reload && reload_trials 100000 "$rl_n" 30
        # The flip test: under wrk -c64 load the data file flips every second between valid and
        # invalid versions (tests/stress/rewrite.py; every third write in place) for
        # BENCH_FLIP_SECONDS after 5 s of warm-up; tests/bench/flip.py samples the children's RSS
        # every second and counts the error log's lines per invalid version and process.
        if want flip && have wrk; then
            say "flip test: ${flip_secs}s (after 5 s of warm-up) under wrk -c$LOAD_CONC, the data file flipping every second between valid and invalid versions"
            load_start "$rl_port" $((flip_secs + 12)) "$run/wrk-flip.log" 31337
            timeout $((flip_secs + 300)) "$PYTHON" "$here/flip.py" "$rl_pid" "$run/srv/reload-100000/error.log" \
                "$rl_dir/data.json" "$work/data-100000/data.json" "$work/variants-100000/bad-syntax.json" \
                "$work/variants-100000/b.json" "$work/variants-100000/bad-date.json" \
                --seconds "$flip_secs" --warmup 5 --grace 5 --rewrite "$srcdir/tests/stress/rewrite.py" \
                --rewrite-log "$run/rewrite.log" ${check_bin:+--check "$check_bin"} >"$run/flip.txt" 2>&1
            wait "$load_pid"
            wrk_figures "$run/wrk-flip.log"
            put flip.rps "$rps"
            put flip.bad "$bad"
            grep -E '^(rss|summary)' "$run/flip.txt" | while read -r line; do say "  $line"; done
            put flip "$(sed -n 's/^summary //p' "$run/flip.txt")"
            put flip.builds "$(status_value "$rl_port" RootCausesBuilds) $(status_value "$rl_port" RootCausesBuildFailures)"
        fi
        stop_pid "$rl_pid"
    else
        say "the reload server (100k) did not start"
    fi
fi
if want reload-big; then
    say "data change at $L_BIG items: starting a server on a copy of the data (it builds its image first)"
    if reload_server "$big"; then
        put "reload.$big.ready" "$ready_s"
        reload_trials "$big" "$rl_big_n" 60
        stop_pid "$rl_pid"
    else
        say "the reload server ($L_BIG) did not start"
    fi
fi

# ---------------------------------------------------------------- 10. the table
put meta.seconds "$secs"
put meta.rounds "$rounds"
put meta.conc "$CONC"
put meta.loadconc "$LOAD_CONC"
put meta.big "$big"
put meta.apath "$A_PATH"
put meta.flipsecs "$flip_secs"
put meta.memsecs "$mem_secs"
put meta.elapsed $(($(date +%s) - t_start))
put meta.load_end "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
put meta.cpus "$(nproc 2>/dev/null)"
"$PYTHON" "$here/report.py" "$results" | tee "$run/report.txt"
cp "$run/report.txt" "$work/last-report.txt" 2>/dev/null
say "done in $(($(date +%s) - t_start))s; table also in $work/last-report.txt, logs in $work/last-run/"
exit 0
