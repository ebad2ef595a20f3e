#!/bin/bash
# tests/sanitize/valgrind.sh: make check-valgrind. Builds the pool shim if needed and runs
# valgrind.py (httpd -X under valgrind memcheck over a representative request set; see there).
# Exit status 0 when valgrind found nothing to blame on mod_rootcauses.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export RC_SRCDIR=${RC_SRCDIR:-$(cd "$here/../.." && pwd)}
export RC_BUILDDIR=${RC_BUILDDIR:-$PWD}
export RC_MODULE=${RC_MODULE:-$RC_BUILDDIR/mod_rootcauses/.libs/mod_rootcauses.so}
export RC_HTTPD=${RC_HTTPD:-$(command -v apache2 || command -v httpd || echo /usr/sbin/apache2)}
export RC_HTTPD_MODULES=${RC_HTTPD_MODULES:-/usr/lib/apache2/modules}
if [[ ${RC_VALGRIND_POOLSHIM:-1} != 0 && ! -f $RC_BUILDDIR/tests/sanitize/.libs/rc_poolshim.so ]]; then
    make -C "$RC_BUILDDIR" --no-print-directory tests/sanitize/rc_poolshim.la >/dev/null || exit 1
fi
exec timeout --kill-after=10 900 "${RC_PYTHON:-/usr/bin/python3}" "$here/valgrind.py"
