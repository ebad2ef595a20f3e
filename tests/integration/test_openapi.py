"""Described for API users (REFERENCE.md "URLs" B/openapi.json): the OpenAPI 3.1 document of the data file,
validated by @seriousme/openapi-schema-validator (the OpenAPI Initiative's schema for 3.1), and
real JSON answers (listings with filters, items, 400 errors, in English and Spanish, of three
data sets) validated against its schemas with Ajv in JSON Schema 2020-12 mode (OpenAPI 3.1's
dialect). Both come from npm, pinned by tests/openapi/package-lock.json; `npm ci` installs them
when tests/openapi/node_modules is missing. Without node and npm these tests are skipped.

The rules of OpenAPI that its JSON schema cannot express are checked here: unique operationIds,
every path template variable declared as a required path parameter, no two path templates of the
same hierarchy (OpenAPI 3.1 "The data file".8.8.2)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import rcserver
import sitedata

B = "/rootcauses"
SHIPPED = sitedata.shipped()
TOOL = Path(__file__).resolve().parents[1] / "openapi"
BI_SITE = sitedata.FIXTURES / "bilingual"
TRICKY_SITE = sitedata.FIXTURES / "tricky"


@pytest.fixture(scope="session")
def validator():
    """A function that runs tests/openapi/validate.mjs on {"openapi": doc, "responses": [...]}."""
    node, npm = shutil.which("node") or shutil.which("nodejs"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed to validate B/openapi.json (Debian: apt-get install "
                    "nodejs npm)")
    if not (TOOL / "node_modules" / "@seriousme" / "openapi-schema-validator").is_dir():
        p = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        assert p.returncode == 0, f"npm ci in {TOOL} failed:\n{p.stdout.decode(errors='replace')}"

    def run(doc, responses=()):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"openapi": doc, "responses": list(responses)}, f)
        try:
            p = subprocess.run([node, str(TOOL / "validate.mjs"), f.name], cwd=TOOL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        finally:
            os.unlink(f.name)
        assert p.returncode == 0, p.stderr.decode(errors="replace")
        return json.loads(p.stdout)
    return run


@pytest.fixture(scope="module")
def server(start_module_server):
    return start_module_server([rcserver.shipped_mount(B),
                                rcserver.Mount("/bi", data=BI_SITE / "data.json"),
                                rcserver.Mount("/tricky", data=TRICKY_SITE / "data.json")])


def openapi_of(server, mount):
    r = server.get(f"{mount}/openapi.json")
    assert r.status == 200, r.dump()
    assert r.header("Content-Type") == "application/json"
    assert r.header("ETag") and r.header("Last-Modified")
    return r.json()


# ---------------------------------------------------------------- the document

@pytest.mark.parametrize("mount", [B, "/bi", "/tricky"])
def test_openapi_document_is_valid_openapi_3_1(server, validator, mount):
    out = validator(openapi_of(server, mount))
    assert out["document"] == {"valid": True, "version": "3.1", "errors": []}


def test_the_validator_rejects_a_broken_document(server, validator):
    doc = openapi_of(server, B)
    del doc["info"]
    doc["paths"]["/{collection}.json"]["get"]["responses"]["200"] = {"content": 7}
    assert validator(doc)["document"]["valid"] is False


@pytest.mark.parametrize("mount", [B, "/bi", "/tricky"])
def test_openapi_rules_beyond_its_schema(server, mount):
    doc = openapi_of(server, mount)
    ops = [op for item in doc["paths"].values() for op in item.values()]
    ids = [op["operationId"] for op in ops]
    assert len(ids) == len(set(ids))
    shapes = [re.sub(r"\{[^}]*\}", "{}", p) for p in doc["paths"]]
    assert len(shapes) == len(set(shapes)), f"paths of the same hierarchy: {sorted(shapes)}"

    def resolve(x):
        if "$ref" in x:
            node = doc
            for part in x["$ref"].lstrip("#/").split("/"):
                node = node[part]
            return node
        return x
    for path, item in doc["paths"].items():
        for op in item.values():
            params = [resolve(p) for p in op["parameters"]]
            in_path = {p["name"] for p in params if p["in"] == "path"}
            assert in_path == set(re.findall(r"\{([^}]*)\}", path)), path
            assert all(p["required"] is True for p in params if p["in"] == "path")
            names = [(p["name"], p["in"]) for p in params]
            assert len(names) == len(set(names)), path


def test_openapi_of_the_shipped_data_written_out(server):
    doc = openapi_of(server, B)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "Root Causes of Migration API"
    assert doc["servers"] == [{"url": f"{server.origin}{B}"}]
    assert sorted(doc["paths"]) == sorted([
        "/{collection}.json", "/{collection}.csv", "/{collection}.atom", "/{collection}/{id}.json",
        "/es/{collection}.json", "/es/{collection}.csv", "/es/{collection}.atom",
        "/es/{collection}/{id}.json"])
    schemas = doc["components"]["schemas"]
    assert schemas["Collection"]["enum"] == ["reports", "section-353"]
    assert schemas["CountryCode"]["enum"] == ["GT", "HN", "SV", "NI"]
    assert sorted(schemas["Kind"]["enum"]) == ["action", "list", "report", "report-to-congress"]
    params = doc["components"]["parameters"]
    assert sorted(params) == ["collection", "country", "from", "id", "kind", "page", "per_page",
                              "q", "sort", "to"]
    assert params["per_page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}


def test_openapi_of_a_one_language_site_has_no_language_paths(start_server, validator):
    server = start_server([rcserver.Mount("/small", data=sitedata.small_site_dir() / "data.json")])
    doc = openapi_of(server, "/small")
    assert sorted(doc["paths"]) == ["/{collection}.atom", "/{collection}.csv",
                                    "/{collection}.json", "/{collection}/{id}.json"]
    assert doc["components"]["schemas"]["Collection"]["enum"] == ["notes"]
    assert validator(doc)["document"]["valid"] is True


def test_openapi_follows_the_data_version(start_server, workdir):
    data = rcserver.copy_site(rcserver.shipped_htdocs(), workdir / "site")
    server = start_server([rcserver.Mount(B, data=data)], workdir=workdir,
                          extra_conf=rcserver.status_conf())
    before = server.get(f"{B}/openapi.json")
    # info.version: the first 12 hex digits of the data's content hash (server-status's)
    hash_before = status_hash(server)
    assert before.json()["info"]["version"] == hash_before[:12]
    d = json.loads(data.read_text(encoding="utf-8"))
    d["countries"].append({"code": "CR", "name": "Costa Rica"})
    rcserver.write_file(data.with_name("data.json.new"), json.dumps(d))
    os.replace(data.with_name("data.json.new"), data)
    server.graceful()
    after = server.get(f"{B}/openapi.json")
    assert after.json()["components"]["schemas"]["CountryCode"]["enum"] == \
        ["GT", "HN", "SV", "NI", "CR"]
    assert after.header("ETag") != before.header("ETag")
    assert after.json()["info"]["version"] != before.json()["info"]["version"]
    hash_after = status_hash(server)
    assert hash_after != hash_before
    assert after.json()["info"]["version"] == hash_after[:12]


def status_hash(server):
    """RootCausesFile1Hash of server-status?auto."""
    r = server.get("/server-status?auto")
    assert r.status == 200, r.dump()
    lines = dict(line.split(": ", 1) for line in r.text.splitlines() if ": " in line)
    assert re.fullmatch(r"[0-9a-f]{32}", lines["RootCausesFile1Hash"])
    return lines["RootCausesFile1Hash"]


# ---------------------------------------------------------------- real answers against it

# (name, mount, path below it, the document's path template, status)
ANSWERS = [
    ("listing", B, "/section-353.json", "/{collection}.json", 200),
    ("listing-filtered", B, "/section-353.json?country=GT,ni&from=2021&to=2022-03&kind=action,list"
     "&q=corrupt&sort=date&per_page=1&page=2", "/{collection}.json", 200),
    ("listing-empty", B, "/reports.json?q=nosuchword", "/{collection}.json", 200),
    ("listing-past-the-end", B, "/reports.json?page=9", "/{collection}.json", 200),
    ("listing-es", B, "/es/section-353.json?country=Guatemala&per_page=2", "/es/{collection}.json", 200),
    ("item", B, "/reports/2022-07-progress-report.json", "/{collection}/{id}.json", 200),
    ("item-es", B, "/es/section-353/2021-07-01-section-353-list.json", "/es/{collection}/{id}.json", 200),
    ("error-from", B, "/section-353.json?from=2021-02-30", "/{collection}.json", 400),
    ("error-country-es", B, "/es/reports.json?country=XX", "/es/{collection}.json", 400),
    ("error-per-page", B, "/reports.json?per_page=500", "/{collection}.json", 400),
    ("error-q-words-es", B, "/es/reports.json?q=" + "+".join(f"w{i}" for i in range(40)),
     "/es/{collection}.json", 400),
    ("error-encoding", B, "/reports.json?q=%ZZ", "/{collection}.json", 400),
    ("bi-listing", "/bi", "/notes.json?q=agua", "/{collection}.json", 200),
    ("bi-listing-es", "/bi", "/es/notes.json", "/es/{collection}.json", 200),
    ("bi-item-es", "/bi", "/es/notes/translated.json", "/es/{collection}/{id}.json", 200),
    ("bi-item-fallback", "/bi", "/es/notes/untranslated.json", "/es/{collection}/{id}.json", 200),
    ("tricky-listing", "/tricky", "/publications.json?per_page=100", "/{collection}.json", 200),
    ("tricky-no-kinds", "/tricky", "/notes.json", "/{collection}.json", 200),
    ("tricky-item", "/tricky", "/publications/july-2022.json", "/{collection}/{id}.json", 200),
    ("tricky-error-kind", "/tricky", "/notes.json?kind=x", "/{collection}.json", 400),
]


@pytest.fixture(scope="module")
def answers(server):
    out = []
    for name, mount, path, template, status in ANSWERS:
        r = server.get(mount + path)
        assert r.status == status, (name, r.dump())
        assert r.header("Content-Type") == "application/json"
        out.append({"name": name, "mount": mount, "path": template, "status": status,
                    "body": r.json()})
    return out


@pytest.mark.parametrize("mount", [B, "/bi", "/tricky"])
def test_real_json_answers_match_the_documents_schemas(server, validator, answers, mount):
    mine = [a for a in answers if a["mount"] == mount]
    assert mine
    out = validator(openapi_of(server, mount), mine)
    assert out["document"]["valid"] is True
    bad = [r for r in out["responses"] if not r["valid"]]
    assert bad == [], json.dumps(bad, indent=1, ensure_ascii=False)
    assert [r["name"] for r in out["responses"]] == [a["name"] for a in mine]


WRONG_LISTINGS = [
    (lambda b: b["items"][0].__setitem__("extra", 1), "an unknown key in an item"),
    (lambda b: b["items"][0].__setitem__("countries", ["XX"]), "an undeclared country"),
    (lambda b: b["items"][0].__setitem__("countries", []), "an item without countries"),
    (lambda b: b["items"][0].__setitem__("kind", "no-such-kind"), "an unknown kind"),
    (lambda b: b["items"][0].__setitem__("date", "July 2022"), "a date that is no date"),
    (lambda b: b["items"][0].pop("url"), "an item without url"),
    (lambda b: b.__setitem__("per_page", 500), "per_page over 100"),
    (lambda b: b["facets"]["country"].__setitem__("ZZ", 1), "a facet of an undeclared country"),
    (lambda b: b["facets"]["year"].__setitem__("2020", 0), "a year facet of 0"),
    (lambda b: b.pop("facets"), "no facets"),
]


def test_the_schemas_are_strict_enough_to_catch_a_wrong_listing(server, validator, answers):
    cases = []
    for mutate, why in WRONG_LISTINGS:
        body = json.loads(json.dumps(answers[0]["body"]))
        mutate(body)
        cases.append({"name": why, "path": "/{collection}.json", "status": 200, "body": body})
    out = validator(openapi_of(server, B), cases)
    assert [(r["name"], r["valid"]) for r in out["responses"]] == \
        [(why, False) for _, why in WRONG_LISTINGS]


def test_the_error_schema_catches_a_wrong_error(server, validator):
    out = validator(openapi_of(server, B), [
        {"name": "no message", "path": "/{collection}.json", "status": 400,
         "body": {"error": {"status": 400, "parameter": "from"}}},
        {"name": "good", "path": "/{collection}.json", "status": 400,
         "body": {"error": {"status": 400, "parameter": None, "message": "m"}}},
    ])
    assert [r["valid"] for r in out["responses"]] == [False, True]
