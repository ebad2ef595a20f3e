"""The shipped samples, the README and docs/REFERENCE.md name every directive the module defines,
and no other."""
import re
from pathlib import Path

import pytest

import rcserver

SRC = Path(rcserver.__file__).resolve().parents[2]


def directives_in_code():
    text = (SRC / "mod_rootcauses" / "mod_rootcauses.c").read_text()
    return sorted(set(re.findall(r'AP_INIT_\w+\("(RootCauses\w+)"', text)))


def test_the_module_defines_the_seven_directives_of_the_reference():
    assert directives_in_code() == ["RootCausesCacheSize", "RootCausesData", "RootCausesLayout",
                                    "RootCausesMaxAge", "RootCausesPageSize",
                                    "RootCausesReloadInterval", "RootCausesStatus"]


@pytest.mark.parametrize("snippet", ["conf/rootcauses.conf", "debian/rootcauses.conf",
                                     "conf/demo.conf.in"])
def test_the_conf_snippets_document_every_directive_and_no_other(snippet):
    text = (SRC / snippet).read_text()
    assert sorted(set(re.findall(r"\b(RootCauses\w+)", text))) == directives_in_code()


def test_the_readme_table_lists_every_directive_and_no_other():
    text = (SRC / "README.md").read_text()
    rows = re.findall(r"^\| `(RootCauses\w+) ", text, re.M)
    assert sorted(rows) == directives_in_code()


def test_the_reference_table_lists_every_directive_and_no_other():
    text = (SRC / "docs" / "REFERENCE.md").read_text()
    rows = re.findall(r"^\| `(RootCauses\w+) ", text, re.M)
    assert sorted(rows) == directives_in_code()
