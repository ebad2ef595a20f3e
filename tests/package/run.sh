#!/bin/bash
# tests/package/run.sh: the `package` step of make check-full. Builds the Debian package with
# `make deb`, runs lintian on it, unpacks it into a throwaway root with `dpkg -x` and checks the
# installed files: Debian's httpd started from the installed mod_rootcauses.so, rootcauses.load
# and rootcauses.conf serves the installed site at /rootcauses/ on a free 127.0.0.1 port, and the
# installed rootcauses-check accepts the installed data.json and refuses broken copies.
# The installed .load and .conf name /usr/lib/apache2/modules and /usr/share/libapache2-mod-
# rootcauses; the copies httpd reads here have those two prefixes moved into the throwaway root,
# and nothing else changed. The last line is "N passed, N failed"; exit status 1 on any failure.
#
# Environment (set by tests/run-all.sh): RC_SRCDIR, RC_BUILDDIR (where make deb runs and the .deb
# lands), RC_HTTPD (Debian's /usr/sbin/apache2), RC_HTTPD_MODULES (its modules: mpm_event ...),
# MAKE. Needs dpkg-dev, debhelper, apache2-dev, lintian, curl (./bootstrap installs them).
set -uo pipefail

srcdir=${RC_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${RC_BUILDDIR:-$PWD}
httpd=${RC_HTTPD:-/usr/sbin/apache2}
modules=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
make=${MAKE:-make}
pkg=libapache2-mod-rootcauses
site=usr/share/$pkg

passed=0 failed=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; shift; (($# == 0)) || printf '     %s\n' "$@"; }
# check NAME CMD...: one test, passed when CMD succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
finish() { echo "$passed passed, $failed failed"; ((failed == 0)); exit; }

work=$(mktemp -d /tmp/rc-package.XXXXXX) || { fail "mktemp"; finish; }
httpd_pid=
cleanup() {
    if [[ -n $httpd_pid ]] && kill -0 "$httpd_pid" 2>/dev/null; then
        kill -TERM "$httpd_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$httpd_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# ---- make deb
version=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$srcdir/debian/changelog")
arch=$(dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
deb=$builddir/${pkg}_${version}_${arch}.deb
rm -f "$deb"
# lintian runs below, where its output is checked line by line.
if "$make" -C "$builddir" --no-print-directory deb LINTIAN= >"$work/make-deb.log" 2>&1 && [[ -f $deb ]]; then
    ok "make deb builds $(basename "$deb") in the build folder"
else
    fail "make deb builds ${pkg}_${version}_${arch}.deb in the build folder" "$(tail -n 20 "$work/make-deb.log")"
    finish
fi
check "make deb leaves no deb-build/ behind" test ! -e "$builddir/deb-build"
check "make deb leaves no debian/tmp in the source tree" test ! -e "$srcdir/debian/tmp"

# ---- lintian: no error and no warning (info and pedantic tags are fine)
if command -v lintian >/dev/null; then
    lintian --info "$deb" >"$work/lintian.log" 2>&1
    sed 's/^/     lintian: /' "$work/lintian.log"
    bad=$(grep -E '^[EW]: ' "$work/lintian.log")
    if [[ -z $bad ]]; then ok "lintian: no error, no warning"; else fail "lintian: no error, no warning" "$bad"; fi
else
    fail "lintian: not installed (Debian package lintian; ./bootstrap installs it)"
fi

# ---- the package's metadata and files
info=$(dpkg-deb -f "$deb" Package Section Depends)
check "control: Depends names apache2-api-* (from dh_apache2)" grep -qE '^Depends:.*\bapache2-api-[0-9]+' <<<"$info"
check "control: Section httpd" grep -qx 'Section: httpd' <<<"$info"
dpkg-deb --ctrl-tarfile "$deb" | tar -t >"$work/control-files" 2>/dev/null
check "no postinst: installing does not enable the module (a2enmod does)" \
    bash -c '! grep -qx "./postinst" "$1"' _ "$work/control-files"

root=$work/root
mkdir -p "$root" && dpkg -x "$deb" "$root" || { fail "dpkg -x $deb"; finish; }
for f in usr/lib/apache2/modules/mod_rootcauses.so etc/apache2/mods-available/rootcauses.load \
    etc/apache2/mods-available/rootcauses.conf usr/bin/rootcauses-check \
    usr/share/man/man1/rootcauses-check.1.gz usr/share/doc/$pkg/copyright \
    usr/share/doc/$pkg/README.md.gz usr/share/doc/$pkg/REFERENCE.md.gz "$site/data.json" \
    "$site/pages/index.html" "$site/pages/es/index.html" "$site/assets/rootcauses.css"; do
    check "installs /$f" test -f "$root/$f"
done
load=$root/etc/apache2/mods-available/rootcauses.load
conf=$root/etc/apache2/mods-available/rootcauses.conf
check "rootcauses.load loads /usr/lib/apache2/modules/mod_rootcauses.so" \
    grep -qx 'LoadModule rootcauses_module /usr/lib/apache2/modules/mod_rootcauses.so' "$load"
check "rootcauses.conf serves /$site/data.json" grep -q "RootCausesData /$site/data.json" "$conf"

# ---- httpd from the installed files
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chmod 755 "$work" && mkdir -p "$work/run" "$work/www" && chmod -R a+rX "$root"
relocate() { sed -e "s#/usr/lib/apache2/modules/#$root/usr/lib/apache2/modules/#g" -e "s#/$site#$root/$site#g" "$1"; }
relocate "$load" >"$work/rootcauses.load"
relocate "$conf" >"$work/rootcauses.conf"
# What a2enmod rootcauses enables besides the module: the "# Depends:" of its .load.
deps=$(sed -n 's/^# *Depends: *//p' "$load")
user_group=
if [[ $(id -u) -eq 0 ]]; then user_group=$'User www-data\nGroup www-data'; fi
{
    # Debian's apache2.conf in brief: the event MPM, the modules Debian enables by default that
    # this needs, everything on the file system denied unless granted.
    printf '%s\n' "ServerRoot \"$work\"" "Listen 127.0.0.1:$port" "ServerName 127.0.0.1" \
        "PidFile \"$work/run/httpd.pid\"" "DefaultRuntimeDir \"$work/run\"" \
        "ErrorLog \"$work/error.log\"" "LogLevel warn" "$user_group" \
        "LoadModule mpm_event_module \"$modules/mod_mpm_event.so\"" \
        "LoadModule authz_core_module \"$modules/mod_authz_core.so\"" \
        "LoadModule mime_module \"$modules/mod_mime.so\"" \
        "TypesConfig /etc/mime.types" "DocumentRoot \"$work/www\"" \
        "<Directory />" "    Options None" "    AllowOverride None" "    Require all denied" "</Directory>"
    for d in $deps; do printf 'LoadModule %s_module "%s/mod_%s.so"\n' "$d" "$modules" "$d"; done
    printf '%s\n' "Include \"$work/rootcauses.load\"" "Include \"$work/rootcauses.conf\""
} >"$work/httpd.conf"

if "$httpd" -t -f "$work/httpd.conf" >"$work/httpd-t.log" 2>&1; then
    ok "httpd -t accepts the installed rootcauses.load and rootcauses.conf"
else
    fail "httpd -t accepts the installed rootcauses.load and rootcauses.conf" "$(cat "$work/httpd-t.log")"
fi
"$httpd" -f "$work/httpd.conf" -DFOREGROUND >"$work/httpd.out" 2>&1 &
httpd_pid=$!
# Up when B/ answers something else than 503 (which it answers until the data is loaded).
up=0
for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/rootcauses/")
    if [[ $code != 000 && $code != 503 ]]; then up=1; break; fi
    kill -0 "$httpd_pid" 2>/dev/null || break
    sleep 0.1
done
if ((up)); then
    ok "httpd starts on 127.0.0.1:$port"
else
    fail "httpd starts on 127.0.0.1:$port" "$(cat "$work/httpd.out" "$work/error.log" 2>/dev/null)"
fi

# get NAME PATH STATUS TYPE [STRING...]: GET PATH answers STATUS with a Content-Type that begins
# with TYPE and a body that holds every STRING.
get() {
    local name=$1 path=$2 status=$3 type=$4 got s
    shift 4
    got=$(curl -s -o "$work/body" -w '%{http_code} %{content_type}' "http://127.0.0.1:$port$path")
    if [[ $got != "$status $type"* ]]; then
        fail "$name" "GET $path: $got, expected $status $type"
        return 1
    fi
    for s in "$@"; do
        if ! grep -qF -- "$s" "$work/body"; then
            fail "$name" "GET $path: no '$s' in the body"
            return 1
        fi
    done
    ok "$name"
}
get "GET /rootcauses/: the index page" /rootcauses/ 200 text/html \
    '<h1>Root Causes Strategy Overview</h1>' 'href="/rootcauses/assets/rootcauses.css"'
get "GET /rootcauses/es/: the Spanish index page" /rootcauses/es/ 200 text/html 'lang="es"' \
    'Panorama general de la Estrategia'
get "GET /rootcauses/section-353?from=2022: a filtered listing" '/rootcauses/section-353?from=2022' \
    200 text/html 'href="/rootcauses/section-353/2022-03-09-nicaragua-action"' &&
    check "  ... without the 2021 items" \
        bash -c '! grep -q "2021-09-20-seven-officials-actions" "$1"' _ "$work/body"
get "GET /rootcauses/reports.json: the listing as JSON" /rootcauses/reports.json 200 application/json \
    '"total":1' '"id":"2022-07-progress-report"'
if get "GET /rootcauses/assets/rootcauses.css: an asset" /rootcauses/assets/rootcauses.css 200 text/css; then
    check "  ... the installed file's bytes" cmp -s "$work/body" "$root/$site/assets/rootcauses.css"
fi
get "GET /rootcauses/nothing-here: 404" /rootcauses/nothing-here 404 text/html
# [module:level] at error or worse, or a child that died of a signal (AH00052).
bad_log='\[[a-z0-9_]*:(emerg|alert|crit|error)\]|AH00052'
if [[ -s $work/error.log ]] && grep -qE "$bad_log" "$work/error.log"; then
    fail "no error in httpd's error log" "$(grep -E "$bad_log" "$work/error.log" | head -n 5)"
else
    ok "no error in httpd's error log"
fi

# ---- rootcauses-check from the package
checker=$root/usr/bin/rootcauses-check
out=$("$checker" "$root/$site/data.json" 2>&1)
rc=$?
if ((rc == 0)) && grep -q 'valid' <<<"$out"; then
    ok "rootcauses-check accepts the installed data.json (exit 0)"
else
    fail "rootcauses-check accepts the installed data.json (exit 0)" "exit $rc: $out"
fi
# Broken copies beside the installed site's pages (page files are relative to the data file).
cp -R "$root/$site" "$work/broken"
# refuse NAME FILE REGEX: rootcauses-check FILE exits 1 with a message that matches REGEX.
refuse() {
    local out rc
    out=$("$checker" "$2" 2>&1)
    rc=$?
    if ((rc == 1)) && grep -qE -- "$3" <<<"$out"; then
        ok "$1"
    else
        fail "$1" "exit $rc, expected 1 and a message matching $3: $out"
    fi
}
head -c 2000 "$root/$site/data.json" >"$work/broken/truncated.json"
refuse "rootcauses-check refuses a truncated copy (exit 1, file:line:column)" \
    "$work/broken/truncated.json" "^$work/broken/truncated\\.json:[0-9]+:[0-9]+: JSON syntax error"
sed 's/"2022-03-09"/"2022-02-30"/' "$root/$site/data.json" >"$work/broken/bad-date.json"
refuse "rootcauses-check refuses an impossible date (exit 1, names the value)" \
    "$work/broken/bad-date.json" 'bad-date\.json: collections\[1\]\.items\[0\]\.date is "2022-02-30"'

finish
