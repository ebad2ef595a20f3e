#!/bin/bash
# `make run`: serve htdocs/ with the built module on http://127.0.0.1:$PORT/rootcauses/ in the
# foreground until Ctrl-C, from a throwaway ServerRoot under /tmp that is removed afterwards.
#
# Environment (set by the Makefile): RC_SRCDIR (top source dir), RC_MODULE (built .so),
# RC_HTTPD (httpd binary), RC_HTTPD_MODULES (httpd's own modules), PORT (default 8080).
set -euo pipefail

srcdir=${RC_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
module=${RC_MODULE:-$PWD/mod_rootcauses/.libs/mod_rootcauses.so}
httpd=${RC_HTTPD:-$(command -v apache2 || command -v httpd || echo /usr/sbin/apache2)}
modules=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
port=${PORT:-8080}

die() { echo "run-demo: $*" >&2; exit 1; }

[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "PORT must be 1..65535, not '$port'"
[[ -x $httpd ]] || die "no httpd at '$httpd' (Debian package apache2)"
[[ -f $module ]] || die "no module at '$module': run make first"
[[ -f $srcdir/htdocs/data.json ]] || die "no $srcdir/htdocs/data.json"
[[ -f $modules/mod_mpm_event.so ]] || die "no $modules/mod_mpm_event.so (Debian package apache2)"

root=$(mktemp -d /tmp/rootcauses-demo.XXXXXX)
httpd_pid=

cleanup() {
    trap - INT TERM EXIT
    if [[ -n $httpd_pid ]] && kill -0 "$httpd_pid" 2>/dev/null; then
        kill -TERM "$httpd_pid" 2>/dev/null || true
        wait "$httpd_pid" 2>/dev/null || true
    fi
    rm -rf "$root"
}
on_signal() {
    echo "run-demo: stopping httpd" >&2
    cleanup
    exit 0 # Ctrl-C is the normal way to stop
}
trap cleanup EXIT
trap on_signal INT TERM

# When root, httpd's children run as www-data, which must be able to read everything here.
chmod 755 "$root"
mkdir -p "$root/data" "$root/modules" "$root/run" "$root/www"
cp -R "$srcdir/htdocs/." "$root/data/"
cp "$module" "$root/modules/mod_rootcauses.so"
chmod -R a+rX "$root"

user_group=
if [[ $(id -u) -eq 0 ]]; then
    if id www-data >/dev/null 2>&1; then
        user_group=$'User www-data\nGroup www-data'
    else
        user_group=$'User nobody\nGroup nogroup'
    fi
fi

conf="$root/httpd.conf"
while IFS= read -r line || [[ -n $line ]]; do
    line=${line//@ROOT@/$root}
    line=${line//@PORT@/$port}
    line=${line//@MODULES@/$modules}
    line=${line//@USER_GROUP@/$user_group}
    printf '%s\n' "$line"
done <"$srcdir/conf/demo.conf.in" >"$conf"

"$httpd" -t -f "$conf" >/dev/null 2>&1 || { "$httpd" -t -f "$conf" || true; die "the configuration $conf does not pass httpd -t"; }

echo "Serving http://127.0.0.1:$port/rootcauses/ (ServerRoot $root); Ctrl-C stops it."
"$httpd" -f "$conf" -DFOREGROUND &
httpd_pid=$!
status=0
wait "$httpd_pid" || status=$?
httpd_pid=
exit "$status"
