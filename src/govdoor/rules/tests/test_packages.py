"""The rule packages: their YAML worked examples, references and versions."""

from __future__ import annotations

import glob
import os

import pytest
from openfisca_core.parameters import ParameterNode, Scale
from openfisca_core.tools.test_runner import OpenFiscaPlugin

from govdoor.rules.packages import rule_packages
from govdoor.rules.packages.demoland import TESTS

YAML_FILES = sorted(glob.glob(os.path.join(TESTS, "*.yaml")))


def _run_yaml(path: str, version: str = "2026.1") -> int:
    """Run one file of OpenFisca YAML tests with openfisca_core's own test runner."""
    system = rule_packages.get("demoland").system(version)
    args = ["-q", "-p", "no:django", "-p", "no:cacheprovider", "-c", os.devnull, path]
    return int(pytest.main(args, plugins=[OpenFiscaPlugin(system, {})]))


@pytest.mark.parametrize("path", YAML_FILES, ids=os.path.basename)
def test_the_worked_examples_of_each_act_pass(path: str) -> None:
    assert _run_yaml(path) == 0


def test_a_wrong_worked_example_fails_the_yaml_runner(tmp_path: os.PathLike[str]) -> None:
    wrong = os.path.join(str(tmp_path), "wrong.yaml")
    with open(wrong, "w") as f:
        f.write(
            "- name: wrong\n  period: 2026-03\n  input:\n    persons:\n      p: {age: 3}\n"
            "      a: {age: 30}\n    households:\n      h: {adults: [a], children: [p], "
            "household_income: 100}\n  output:\n    child_benefit: 999\n"
        )
    assert _run_yaml(wrong) != 0


def test_there_are_yaml_examples_for_every_benefit() -> None:
    names = {os.path.basename(p) for p in YAML_FILES}
    assert {
        "child_benefit.yaml",
        "housing_allowance.yaml",
        "property_tax_rebate.yaml",
        "startup_grant.yaml",
    } <= names


def _leaves(node: ParameterNode) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for child in node.children.values():
        if isinstance(child, ParameterNode):
            out.extend(_leaves(child))
        else:
            out.append((child.name, child))
    return out


def test_every_parameter_names_its_legal_reference_in_both_languages() -> None:
    system = rule_packages.get("demoland").system("2026.1")
    leaves = _leaves(system.parameters)
    assert len(leaves) >= 15
    for name, leaf in leaves:
        metadata = leaf.metadata  # type: ignore[attr-defined]
        assert metadata.get("reference"), name
        assert metadata.get("reference_fr"), name
        if not isinstance(leaf, Scale):
            assert leaf.values_list, name  # type: ignore[attr-defined]


def test_every_variable_has_a_reference_and_a_label() -> None:
    system = rule_packages.get("demoland").system("2026.1")
    for name, variable in system.variables.items():
        assert variable.reference, name
        assert variable.label, name


def test_the_2027_draft_changes_child_benefit_only_from_2027() -> None:
    package = rule_packages.get("demoland")
    draft = package.system("2027.1").parameters.child_benefit.amount_per_child
    current = package.system("2026.1").parameters.child_benefit.amount_per_child
    assert draft("2026-06-01") == current("2026-06-01") == 120.0
    assert draft("2027-06-01") == 130.0
    assert current("2027-06-01") == 120.0
    assert package.versions == ["2026.1", "2027.1"]
