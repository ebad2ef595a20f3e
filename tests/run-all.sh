#!/bin/bash
# tests/run-all.sh [--full] [STEP...]: the test steps, one after the other. Each step adds its
# passed / failed / skipped counts; the last line printed is exactly "N passed, N failed" or
# "N passed, N failed, N skipped", and the exit status is 1 if anything failed.
#
#   make check       tests/run-all.sh            the EVERYDAY_STEPS (at most 5 minutes on 2 cores)
#   make check-full  tests/run-all.sh --full     the FULL_STEPS: every suite the project has
#
# CHECK_STEPS="unit integration" (make check or make check-full) picks steps by name.
#
# A step whose tool is missing (configure found none, or its script exited 77, automake's code for
# "skipped") is skipped with a message naming the Debian package; with --full it fails instead,
# and so does any test a step counted as skipped: make check-full skips nothing.
#
# Environment (set by `make check` from what configure found; when unset, looked for here):
#   RC_SRCDIR    absolute top source dir      RC_BUILDDIR       absolute top build dir
#   RC_MODULE    the built mod_rootcauses.so  RC_HTTPD          httpd binary ("": none)
#   RC_PYTHON    python3 with pytest          RC_HTTPD_MODULES  httpd's own modules dir
#   RC_HAVE_CHECK, RC_HAVE_ASAN, RC_HAVE_TSAN  yes/no: Check, -fsanitize=address / thread link
#   FUZZ_CC, RC_CHROMIUM, RC_NODE, RC_NPM, RC_JAVA, VALGRIND, WRK, RC_GIT: the other tools
#
# To add a suite: write step_NAME (check what it needs with `need`, run it, then call
# `counts PASSED FAILED SKIPPED`) and add NAME to FULL_STEPS (and to EVERYDAY_STEPS only if
# make check stays within its 5 minutes).
set -uo pipefail

EVERYDAY_STEPS=(unit unit_asan integration)
FULL_STEPS=(unit unit_asan tsan integration integration_worker integration_prefork browser html
    fuzz integration_asan valgrind stress cluster package dist)

full=0
if [[ ${1:-} == --full ]]; then
    full=1
    shift
fi

here=$(cd "$(dirname "$0")" && pwd)
export RC_SRCDIR=${RC_SRCDIR:-$(dirname "$here")}
export RC_BUILDDIR=${RC_BUILDDIR:-$PWD}
export RC_MODULE=${RC_MODULE:-$RC_BUILDDIR/mod_rootcauses/.libs/mod_rootcauses.so}
# Set but empty: configure found none. Unset: run by hand, look for one.
export RC_HTTPD=${RC_HTTPD-$(command -v apache2 || command -v httpd || echo /usr/sbin/apache2)}
export RC_HTTPD_MODULES=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
PYTHON=${RC_PYTHON-/usr/bin/python3}
export RC_PYTHON=$PYTHON

logdir=$RC_BUILDDIR/tests/logs
mkdir -p "$logdir"

# Counts of the current step, set by counts().
s_pass=0 s_fail=0 s_skip=0
counts() { s_pass=$1 s_fail=$2 s_skip=$3; }
note() { printf 'run-all: %s\n' "$*"; }

# missing WHAT: the current step cannot run because WHAT is missing (say which Debian package
# brings it): skipped by make check, failed by make check-full.
missing() {
    if ((full)); then
        note "$step: FAILED: $* (make check-full needs every tool; ./bootstrap installs them)"
        counts 0 1 0
    else
        note "$step: skipped: $*"
        counts 0 0 1
    fi
}

# tool VAR NAME...: the program in $VAR when VAR is set (configure's finding, maybe empty), else
# the first NAME in PATH; prints nothing when there is none.
tool() {
    local var=$1 name p
    shift
    if [[ -n ${!var+set} ]]; then
        p=${!var}
    else
        p=
        for name in "$@"; do
            p=$(command -v "$name") && break
        done
    fi
    [[ -n $p && -x $p ]] && printf '%s\n' "$p"
}

# need WHAT...: each WHAT is one of httpd, mpm:NAME, pytest, check, asan, tsan, or
# tool:VAR:NAME:PACKAGE; returns 1 (after `missing`) when one is not there.
need() {
    local w var name pkg
    for w in "$@"; do
        case $w in
            httpd)
                if [[ -z $RC_HTTPD || ! -x $RC_HTTPD ]]; then
                    missing "no httpd binary${RC_HTTPD:+ at $RC_HTTPD} (Debian package apache2; ./configure --with-httpd=PATH)"
                    return 1
                fi ;;
            mpm:*)
                if [[ ! -f $RC_HTTPD_MODULES/mod_mpm_${w#mpm:}.so ]]; then
                    missing "no $RC_HTTPD_MODULES/mod_mpm_${w#mpm:}.so (Debian package apache2)"
                    return 1
                fi ;;
            pytest)
                if [[ -z $PYTHON ]] || ! "$PYTHON" -c 'import pytest' >/dev/null 2>&1; then
                    missing "no python3 with pytest${PYTHON:+ ($PYTHON)} (Debian package python3-pytest)"
                    return 1
                fi ;;
            check)
                if [[ ${RC_HAVE_CHECK:-yes} != yes ]]; then
                    missing "configure found no Check: the unit tests are not built (Debian package check; then ./configure again)"
                    return 1
                fi ;;
            asan)
                if [[ ${RC_HAVE_ASAN:-yes} != yes ]]; then
                    missing "the compiler cannot link -fsanitize=address,undefined (Debian packages libasan8 libubsan1; then ./configure again)"
                    return 1
                fi ;;
            tsan)
                if [[ ${RC_HAVE_TSAN:-yes} != yes ]]; then
                    missing "the compiler cannot link -fsanitize=thread (Debian package libtsan2; then ./configure again)"
                    return 1
                fi ;;
            tool:*)
                IFS=: read -r _ var name pkg <<<"$w"
                if [[ -z $(tool "$var" "$name") ]]; then
                    missing "$name not found (Debian package $pkg; then ./configure again)"
                    return 1
                fi
                export "$var=$(tool "$var" "$name")" ;;
        esac
    done
}

# run LOG TIMEOUT CMD...: run CMD, output to the terminal and to LOG; sets $rc.
run() {
    local log=$1 limit=$2
    shift 2
    timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    if ((rc == 124 || rc == 137)); then
        note "$1 was stopped after ${limit}s"
    fi
}

# check_program NAME PROGRAM: a Check runner; counts from "NN%: Checks: N, Failures: F, Errors: E".
check_program() {
    local name=$1 prog=$2 log=$logdir/$1.log line checks=0 failures=0 errors=0 found=0
    if [[ ! -x $prog ]]; then
        note "$prog not built (make check builds it)"
        counts 0 1 0
        return
    fi
    RC_TEST_FIXTURES=${RC_TEST_FIXTURES:-$RC_SRCDIR/tests/unit/fixtures} run "$log" 900 "$prog"
    while IFS= read -r line; do
        if [[ $line =~ ^[0-9]+%:\ Checks:\ ([0-9]+),\ Failures:\ ([0-9]+),\ Errors:\ ([0-9]+) ]]; then
            found=1
            checks=$((checks + BASH_REMATCH[1]))
            failures=$((failures + BASH_REMATCH[2]))
            errors=$((errors + BASH_REMATCH[3]))
        fi
    done <"$log"
    if ((!found)); then
        note "$name: no Check summary (exit status $rc)"
        counts 0 1 0
        return
    fi
    if ((rc != 0 && failures + errors == 0)); then
        note "$name: exit status $rc although every check passed"
        errors=1
    fi
    counts $((checks - failures - errors < 0 ? 0 : checks - failures - errors)) $((failures + errors)) 0
}

step_unit() {
    need check || return
    check_program unit "$RC_BUILDDIR/tests/unit/test_rc"
}

step_unit_asan() {
    need check asan || return
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5} \
        check_program unit_asan "$RC_BUILDDIR/tests/unit/test_rc_asan"
}

step_integration() {
    local tests=${2:-tests/integration}
    local dir=$RC_SRCDIR/$tests log=$logdir/${1:-integration}.log summary n kind
    local passed=0 failed=0 skipped=0
    need httpd "mpm:${RC_MPM:-event}" pytest || return
    if [[ ! -d $dir ]]; then
        note "integration: no tests/integration yet"
        counts 0 0 0
        return
    fi
    pushd "$RC_SRCDIR" >/dev/null || { counts 0 1 0; return; }
    run "$log" 2400 "$PYTHON" -m pytest -q -rfEs -p no:cacheprovider "$tests"
    popd >/dev/null || true
    summary=$(grep -E ' in [0-9.]+s' "$log" | grep -E 'passed|failed|skipped|error|no tests ran|deselected|xfailed|xpassed' | tail -n 1)
    while read -r n kind; do
        case $kind in
            passed | xpassed) passed=$((passed + n)) ;;
            failed | error | errors) failed=$((failed + n)) ;;
            skipped | xfailed) skipped=$((skipped + n)) ;;
        esac
    done < <(grep -oE '[0-9]+ (passed|failed|skipped|errors?|xfailed|xpassed)' <<<"$summary")
    # pytest: 0 all passed, 1 some failed, 5 no tests; anything else (usage error, internal
    # error, interrupted, timeout, no pytest) is a failure even when no test was counted failed.
    if ((rc != 0 && rc != 1 && rc != 5 && failed == 0)); then
        note "integration: pytest exit status $rc${summary:+ ($summary)} (is python3-pytest installed?)"
        failed=1
    elif ((rc == 1 && failed == 0)); then
        note "integration: pytest exit status 1 without a failed test (is python3-pytest installed?)"
        failed=1
    fi
    counts $passed $failed $skipped
}

# integration_event, integration_worker, integration_prefork: the integration suite once more
# under that MPM (RC_MPM; `integration` itself runs under $RC_MPM, event by default), log in
# tests/logs/integration_MPM.log. STEPS runs integration (event), worker and prefork.
step_integration_event() { RC_MPM=event step_integration integration_event; }
step_integration_worker() { RC_MPM=worker step_integration integration_worker; }
step_integration_prefork() { RC_MPM=prefork step_integration integration_prefork; }

# tsan: tests/unit/test_threads, the threaded tests of rc_cache.c, rc_local.c and rc_store.c built with
# -fsanitize=thread. A data race that ThreadSanitizer reports makes the program exit non-zero
# (exitcode=66), which fails the step even when every check passed.
step_tsan() {
    need check tsan || return
    TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66:second_deadlock_stack=1} \
    CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-2} \
        check_program tsan "$RC_BUILDDIR/tests/unit/test_threads"
    if grep -q 'WARNING: ThreadSanitizer' "$logdir/tsan.log"; then
        note "tsan: ThreadSanitizer reports in $logdir/tsan.log"
        ((s_fail > 0)) || counts "$s_pass" 1 0
    fi
}

# browser_deps: tests/browser/node_modules (playwright-core, axe-core, vnu-jar as pinned in its
# package-lock.json) installed with `npm ci` when missing or older than the lock file; returns 1
# (after a note) when that is not possible.
browser_deps() {
    local dir=$RC_SRCDIR/tests/browser npm
    if [[ -f $dir/node_modules/.package-lock.json && ! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
        return 0
    fi
    if ! npm=$(tool RC_NPM npm); then
        missing "npm not found, and $dir/node_modules is not installed (Debian packages nodejs and npm)"
        return 1
    fi
    note "browser: npm ci in $dir"
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
    if ! (cd "$dir" && timeout 600 "$npm" ci --no-audit --no-fund --ignore-scripts) >"$logdir/npm-ci.log" 2>&1; then
        cat "$logdir/npm-ci.log"
        note "browser: npm ci failed (log: $logdir/npm-ci.log)"
        counts 0 1 0
        return 1
    fi
}

# browser_run NAME TIMEOUT: tests/browser/run.py NAME (a real httpd, then Chromium or vnu);
# counts from its last line "N passed, N failed".
browser_run() {
    local name=$1 limit=$2 log=$logdir/$1.log last
    browser_deps || return
    run "$log" "$limit" "$PYTHON" "$RC_SRCDIR/tests/browser/run.py" "$name"
    if ((rc == 77)); then
        missing "$(tail -n 1 "$log")"
        return
    fi
    last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        local p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
        if ((rc != 0 && f == 0)); then
            note "$name: exit status $rc although every test passed"
            f=1
        fi
        counts "$p" "$f" 0
    else
        note "$name: no summary line (exit status $rc)"
        counts 0 1 0
    fi
}

# Every page type in Chromium: axe-core (WCAG 2.1 A and AA), console errors, keyboard use of the
# filter form, layout at 1280 and 375 px; screenshots in $RC_BUILDDIR/tests/screenshots/.
step_browser() {
    need httpd mpm:event tool:RC_NODE:node:nodejs tool:RC_CHROMIUM:chromium:chromium || return
    browser_run browser 300
}

# Every page type through the Nu HTML Checker (vnu-jar with java): no error.
step_html() {
    need httpd mpm:event tool:RC_JAVA:java:default-jre-headless || return
    browser_run html 300
}

# ---- sanitizers and stress (tests/sanitize/README.md, tests/stress/run.sh)
# integration_asan: the integration suite once more, with mod_rootcauses_asan.so (the module built
# with ASan and UBSan) in Debian's httpd, and the ASan runtime and tests/sanitize/rc_poolshim.so
# (a malloc block per apr_palloc) preloaded into httpd only. Fails on any failed test and on any
# report: ASan writes one file per process into a folder www-data can write; UBSan writes to the
# error log, which the harness checks after each test (as it does crashes).
step_integration_asan() {
    local so=${RC_MODULE_ASAN:-$RC_BUILDDIR/mod_rootcauses/.libs/mod_rootcauses_asan.so}
    local shim=${RC_POOLSHIM:-$RC_BUILDDIR/tests/sanitize/.libs/rc_poolshim.so}
    local asan preload dir f n=0
    need asan || return
    if [[ ! -f $so ]]; then
        note "integration_asan: $so not built (make check builds it)"
        counts 0 1 0
        return
    fi
    # The ASan runtime the module was linked with (gcc -print-file-name=libasan.so names the same).
    asan=$(ldd "$so" | awk '$1 ~ /^libasan\.so/ { print $3 }')
    if [[ ! -f $asan ]]; then
        note "integration_asan: no libasan in ldd $so (Debian package libasan8)"
        counts 0 1 0
        return
    fi
    preload=$asan
    if [[ ${RC_ASAN_POOLSHIM:-1} != 0 ]]; then
        [[ -f $shim ]] || { note "integration_asan: $shim not built"; counts 0 1 0; return; }
        preload+=" $shim"
    fi
    dir=$(mktemp -d /tmp/rc-asan.XXXXXX) && chmod 0777 "$dir" || { counts 0 1 0; return; }
    # detect_leaks=0: httpd keeps its pools until exit and its children exit without freeing
    # them (leaks are valgrind's part: make check-valgrind).
    RC_MODULE=$so RC_PRELOAD=$preload \
    RC_HTTPD_ENV="ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:log_path=$dir/asan" \
        step_integration integration_asan
    rm -rf "$logdir/asan-reports"
    for f in "$dir"/*; do
        [[ -e $f ]] || continue
        n=$((n + 1))
        mkdir -p "$logdir/asan-reports"
        cp "$f" "$logdir/asan-reports/"
        note "integration_asan: sanitizer report $f:"
        sed -n '1,60p' "$f"
    done
    rm -rf "$dir"
    if ((n > 0)); then
        note "integration_asan: $n sanitizer report(s), kept in $logdir/asan-reports/"
        s_fail=$((s_fail + n))
    fi
}

# valgrind: make check-valgrind (tests/sanitize/valgrind.sh: httpd -X under valgrind memcheck over
# a representative request set, reloads included; about 15 s): one pass when memcheck found no
# memory error and no definite leak from mod_rootcauses, and no answer was a 5xx.
step_valgrind() {
    need httpd mpm:prefork tool:VALGRIND:valgrind:valgrind || return
    run "$logdir/valgrind.log" 900 /bin/bash "$RC_SRCDIR/tests/sanitize/valgrind.sh"
    if ((rc == 77)); then
        missing "$(tail -n 1 "$logdir/valgrind.log")"
    elif ((rc == 0)); then
        counts 1 0 0
    else
        note "valgrind: failed (exit status $rc; log: $logdir/valgrind.log, $logdir/valgrind/)"
        counts 0 1 0
    fi
}

# stress: tests/stress/run.sh for 10 s in check mode (64 connections, 100k items, the data file
# rewritten every second): one pass when there was no 5xx, no socket error and no crash.
step_stress() {
    need httpd mpm:event tool:WRK:wrk:wrk || return
    run "$logdir/stress.log" 600 env STRESS_SECONDS="${RC_STRESS_CHECK_SECONDS:-10}" \
        /bin/bash "$RC_SRCDIR/tests/stress/run.sh" --check
    if ((rc == 77)); then
        missing "$(tail -n 1 "$logdir/stress.log")"
    elif ((rc == 0)); then
        counts 1 0 0
    else
        note "stress: failed (exit status $rc; log: $logdir/stress.log)"
        counts 0 1 0
    fi
}

# fuzz: the libFuzzer harnesses of tests/fuzz/ (clang and libclang-rt-14-dev), built with
# `make fuzz-build`, run over their regression inputs and then for FUZZ_CHECK_SECONDS (20) each,
# all at once (tests/fuzz/run-fuzz.sh check); one pass or fail per harness. Longer runs: make fuzz.
step_fuzz() {
    local names=(query data route image) blog=$logdir/fuzz-build.log log=$logdir/fuzz.log
    local passed=0 failed=0 line
    need tool:FUZZ_CC:clang:clang || return
    if ! timeout 900 "${MAKE:-make}" -C "$RC_BUILDDIR" --no-print-directory fuzz-build >"$blog" 2>&1; then
        tail -n 20 "$blog"
        grep -q 'install the Debian package' "$blog" ||
            note "fuzz: make fuzz-build failed (is libclang-rt-14-dev installed? ./bootstrap installs it)"
        note "fuzz: build log: $blog"
        counts 0 ${#names[@]} 0
        return
    fi
    run "$log" 300 env FUZZ_BIN_DIR="$RC_BUILDDIR/tests/fuzz" FUZZ_SRC_DIR="$RC_SRCDIR/tests/fuzz" \
        /bin/bash "$RC_SRCDIR/tests/fuzz/run-fuzz.sh" check "${FUZZ_CHECK_SECONDS:-20}" "${names[@]}"
    while IFS= read -r line; do
        case $line in
            "fuzz: "*" passed"*) passed=$((passed + 1)) ;;
            "fuzz: "*" FAILED"*) failed=$((failed + 1)) ;;
        esac
    done <"$log"
    if ((passed + failed < ${#names[@]})); then
        note "fuzz: only $((passed + failed)) of ${#names[@]} harnesses reported (exit status $rc)"
        failed=$((${#names[@]} - passed))
    elif ((rc != 0 && failed == 0)); then
        note "fuzz: exit status $rc although every harness passed"
        failed=1
    fi
    counts $passed $failed 0
}

# dist: the tarball (make distdir, into a temporary folder) holds every file that git tracks
# (tests/dist/check-dist.sh; make distcheck runs the same comparison and then builds and checks
# the tarball). Needs git and a git checkout.
step_dist() {
    local tmp log=$logdir/dist.log
    need tool:RC_GIT:git:git || return
    tmp=$(mktemp -d /tmp/rc-dist.XXXXXX) || { counts 0 1 0; return; }
    if ! "${MAKE:-make}" -C "$RC_BUILDDIR" --no-print-directory distdir \
        distdir="$tmp/mod_rootcauses" top_distdir="$tmp/mod_rootcauses" >"$logdir/distdir.log" 2>&1; then
        tail -n 20 "$logdir/distdir.log"
        note "dist: make distdir failed (log: $logdir/distdir.log)"
        counts 0 1 0
    else
        run "$log" 120 /bin/bash "$RC_SRCDIR/tests/dist/check-dist.sh" "$RC_SRCDIR" "$tmp/mod_rootcauses"
        if ((rc == 77)); then
            missing "$(tail -n 1 "$log")"
        elif ((rc == 0)); then
            counts 1 0 0
        else
            counts 0 1 0
        fi
    fi
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}

# cluster: tests/cluster/ (three backend httpds behind a front with mod_proxy_balancer,
# mod_proxy_hcheck and mod_cache_disk, and a second front with mod_cache_socache; docs/SCALING.md),
# with pytest, as integration.
step_cluster() {
    need tool:WRK:wrk:wrk || return
    step_integration cluster tests/cluster
}

# package: tests/package/run.sh (make deb, lintian with no error or warning, the .deb unpacked with
# dpkg -x and served by Debian's httpd from the installed files, the installed rootcauses-check);
# counts from its last line "N passed, N failed". A make check-full step: about a minute, most of it
# dpkg-buildpackage.
step_package() {
    local log=$logdir/package.log last
    run "$log" 1200 /bin/bash "$RC_SRCDIR/tests/package/run.sh"
    last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        local p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
        if ((rc != 0 && f == 0)); then
            note "package: exit status $rc although every test passed"
            f=1
        fi
        counts "$p" "$f" 0
    else
        note "package: no summary line (exit status $rc)"
        counts 0 1 0
    fi
}

if ((full)); then
    STEPS=("${FULL_STEPS[@]}")
else
    STEPS=("${EVERYDAY_STEPS[@]}")
fi
if (($# > 0)); then
    STEPS=("$@")
fi
ALL_STEPS=("${FULL_STEPS[@]}")

total_pass=0 total_fail=0 total_skip=0
report=()
for step in "${STEPS[@]}"; do
    if ! declare -F "step_$step" >/dev/null; then
        note "unknown step '$step' (steps: ${ALL_STEPS[*]})"
        total_fail=$((total_fail + 1))
        continue
    fi
    note "=== $step"
    rc=0
    counts 0 0 0
    started=$SECONDS
    "step_$step"
    if ((full && s_skip > 0)); then
        note "$step: $s_skip skipped: make check-full counts every skip as a failure"
        s_fail=$((s_fail + s_skip)) s_skip=0
    fi
    report+=("$(printf '%-20s passed %d, failed %d, skipped %d (%ds)' "$step" "$s_pass" "$s_fail" "$s_skip" $((SECONDS - started)))")
    total_pass=$((total_pass + s_pass))
    total_fail=$((total_fail + s_fail))
    total_skip=$((total_skip + s_skip))
done

note "=== summary ($( ((full)) && echo "make check-full" || echo "make check"), ${SECONDS}s)"
for line in "${report[@]}"; do
    note "$line"
done
if ((total_skip > 0)); then
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
    echo "$total_pass passed, $total_fail failed"
fi
((total_fail == 0))
