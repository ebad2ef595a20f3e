"""The module's place among httpd's URL translators (README, "Other modules and the module's
URLs"): mod_rewrite's server-config rules first, then mod_alias's Redirect and Alias, then the
module claims the URLs of its <Location>; whatever the order in which the modules were loaded
(mod_rewrite is loaded here after mod_rootcauses, so that load order alone would put the
module first). <Location> sections apply to the module's URLs; <Directory> and <Files>
sections do not, since they name no file."""

import pytest

import rcserver

B = "/rootcauses"

# Loaded after mod_rootcauses (rcserver writes server_conf after the module's LoadModule).
SERVER_CONF = f"""
LoadModule rewrite_module "{rcserver.httpd_modules() / 'mod_rewrite.so'}"
RewriteEngine On
# an external redirect by mod_rewrite
RewriteRule "^{B}/old-reports$" "{B}/reports" [R=301,L]
# internal rewrites, passed on to the next translators ([PT]): the module serves the new URL
RewriteRule "^{B}/latest$" "{B}/reports" [PT]
RewriteRule "^{B}/legacy-353$" "{B}/old-353" [PT]
# both mod_rewrite and mod_alias match: mod_rewrite comes first
RewriteRule "^{B}/both$" "{B}/reports" [R=307,L]
Redirect 302 "{B}/both" "{B}/section-353"
# mod_alias alone
Redirect 301 "{B}/moved" "{B}/reports"
Redirect 302 "{B}/old-353" "{B}/section-353"
RedirectMatch 410 "^{B}/withdrawn-.*$"
"""

EXTRA_CONF = f"""
<Location "{B}/section-353.csv">
    Require all denied
</Location>
<Files "reports">
    Require all denied
</Files>
<Directory "/">
    Require all denied
</Directory>
"""


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.shipped_mount(B)], server_conf=SERVER_CONF,
                               extra_conf=EXTRA_CONF)


def location(server, r):
    value = r.header("Location")
    prefix = server.origin
    assert value and value.startswith(prefix), r.dump()
    return value[len(prefix):]


def test_a_rewrite_rule_redirect_applies_to_the_modules_urls(server):
    r = server.get(f"{B}/old-reports")
    assert r.status == 301, r.dump()
    assert location(server, r) == f"{B}/reports"


def test_an_alias_redirect_applies_to_the_modules_urls(server):
    r = server.get(f"{B}/moved")
    assert r.status == 301, r.dump()
    assert location(server, r) == f"{B}/reports"


def test_a_redirectmatch_gone_applies_to_the_modules_urls(server):
    r = server.get(f"{B}/withdrawn-2021-report")
    assert r.status == 410, r.dump()


def test_an_internal_rewrite_is_served_by_the_module_at_the_new_url(server):
    latest = server.get(f"{B}/latest")
    reports = server.get(f"{B}/reports")
    assert reports.status == 200, reports.dump()
    assert latest.status == 200, latest.dump()
    assert latest.body == reports.body


def test_mod_rewrite_comes_before_mod_alias(server):
    r = server.get(f"{B}/both")
    assert r.status == 307, r.dump()
    assert location(server, r) == f"{B}/reports"


def test_mod_alias_sees_the_url_that_mod_rewrite_passed_on(server):
    r = server.get(f"{B}/legacy-353")
    assert r.status == 302, r.dump()
    assert location(server, r) == f"{B}/section-353"


def test_urls_no_rule_matches_are_the_modules(server):
    assert server.get(f"{B}/section-353").status == 200
    r = server.get(f"{B}/no-such-page")
    assert r.status == 404, r.dump()
    assert r.header("Content-Type") == "text/html; charset=utf-8"


@pytest.mark.expect_log(r"AH01630: client denied by server configuration", count=1)
def test_a_location_section_applies_to_the_modules_urls(server):
    r = server.get(f"{B}/section-353.csv")
    assert r.status == 403, r.dump()


def test_directory_and_files_sections_do_not_apply_to_the_modules_urls(server):
    # <Files "reports"> and <Directory "/"> deny everything they match; the module's URLs name
    # no file, so neither matches them
    r = server.get(f"{B}/reports")
    assert r.status == 200, r.dump()
    assert server.get(f"{B}/").status == 200
