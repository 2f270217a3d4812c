"""Running a rule package: validating an OpenFisca situation, calculating with the tracer on,
and turning the trace into plain data (a decision stores it; the API returns it).

Why validate before OpenFisca: OpenFisca quietly uses a default (0) for an input nobody gave,
which is right for a simulation and wrong for a decision. A package names, per variable, the
inputs a calculation cannot do without; a situation that lacks one is refused, naming it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from openfisca_core.errors import SituationParsingError, VariableNotFoundError
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from govdoor.core import clock
from govdoor.core.errors import DomainError, NotFound
from govdoor.core.registry import UnknownPlugin
from govdoor.rules.packages import RulePackage, rule_packages

MAX_ENTITIES = 50  # per entity kind in one API situation
CENT = Decimal("0.01")


@dataclass
class Requested:
    plural: str
    entity_id: str
    variable: str
    period: str


@dataclass
class Calculation:
    package: str
    version: str
    values: dict[str, dict[str, dict[str, Any]]]  # plural -> id -> variable -> {period: value}
    trace: list[dict[str, Any]]


def package_get(code: str) -> RulePackage:
    try:
        return rule_packages.get(code)
    except UnknownPlugin:
        raise NotFound(_("No rule package %(code)r.") % {"code": code}, field="package") from None


def system_get(package: RulePackage, version: str) -> TaxBenefitSystem:
    if version not in package.versions:
        raise DomainError(
            _("Package %(package)s has no version %(version)r.")
            % {"package": package.code, "version": version},
            field="version",
        )
    return package.system(version)


def money(value: Any) -> Decimal:
    return Decimal(str(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def month_of(day: dt.date | None = None) -> str:
    return (day or clock.today()).strftime("%Y-%m")


def _scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


def _plain(array: Any) -> list[Any]:
    if hasattr(array, "decode_to_str"):
        return [str(v) for v in array.decode_to_str()]
    if isinstance(array, np.ndarray):
        return [_scalar(v) for v in array.tolist()]
    return [_scalar(array)]


# --- validation -------------------------------------------------------------------------------
def requested_split(
    system: TaxBenefitSystem, situation: dict[str, Any], default_period: str
) -> tuple[dict[str, Any], list[Requested]]:
    """Take the variables asked for (null values, OpenFisca web API style) out of the
    situation; refuses unknown entities and variables, naming them."""
    if not isinstance(situation, dict) or not situation:
        raise DomainError(_("The situation must be an object of entities."), field="situation")
    plurals = {e.plural: e for e in system.entities}
    clean: dict[str, Any] = {}
    requested: list[Requested] = []
    for plural, members in situation.items():
        if plural not in plurals:
            raise DomainError(_("Unknown entity kind %(kind)r.") % {"kind": plural}, field=plural)
        if not isinstance(members, dict) or len(members) > MAX_ENTITIES:
            raise DomainError(
                _("%(kind)s must be an object of at most %(max)s.")
                % {"kind": plural, "max": MAX_ENTITIES},
                field=plural,
            )
        clean[plural] = {}
        roles = (
            {r.plural for r in plurals[plural].roles} if not plurals[plural].is_person else set()
        )
        for entity_id, attrs in members.items():
            if not isinstance(attrs, dict):
                raise DomainError(_("Each entity is an object."), field=f"{plural}.{entity_id}")
            kept: dict[str, Any] = {}
            for name, value in attrs.items():
                where = f"{plural}.{entity_id}.{name}"
                if name in roles:
                    kept[name] = value
                    continue
                variable = system.variables.get(name)
                if variable is None:
                    raise DomainError(_("Unknown variable %(name)r.") % {"name": name}, field=where)
                if variable.entity.plural != plural:
                    raise DomainError(
                        _("%(name)s belongs to %(owner)s, not %(kind)s.")
                        % {"name": name, "owner": variable.entity.plural, "kind": plural},
                        field=where,
                    )
                kept_value = _split_value(value, default_period, plural, entity_id, name, requested)
                if kept_value is not None:
                    kept[name] = kept_value
            clean[plural][entity_id] = kept
    if not requested:
        raise DomainError(
            _("Ask for at least one variable by giving it the value null."), field="situation"
        )
    return clean, requested


def _split_value(
    value: Any, default: str, plural: str, entity_id: str, name: str, out: list[Requested]
) -> Any:
    if value is None:
        out.append(Requested(plural, str(entity_id), name, default))
        return None
    if isinstance(value, dict):
        given = {p: v for p, v in value.items() if v is not None}
        for period, v in value.items():
            if v is None:
                out.append(Requested(plural, str(entity_id), name, str(period)))
        return given or None
    return value


def required_check(
    package: RulePackage, system: TaxBenefitSystem, situation: dict[str, Any], wanted: list[str]
) -> None:
    """Every input the asked-for variables need must be given for every entity it applies to."""
    for variable in wanted:
        for name in package.required_inputs.get(variable, []):
            plural = system.variables[name].entity.plural
            for entity_id, attrs in situation.get(plural, {}).items():
                if name not in attrs:
                    raise DomainError(
                        _("%(name)s is needed to calculate %(variable)s.")
                        % {"name": name, "variable": variable},
                        field=f"{plural}.{entity_id}.{name}",
                    )


# --- calculation -----------------------------------------------------------------------------
def calculate(
    *,
    package: RulePackage,
    version: str,
    situation: dict[str, Any],
    period: str | None = None,
    trace: bool = True,
) -> Calculation:
    """Calculate the variables asked for (null values) in an OpenFisca situation."""
    system = system_get(package, version)
    default_period = period or month_of()
    clean, requested = requested_split(system, situation, default_period)
    required_check(package, system, clean, sorted({r.variable for r in requested}))
    builder = SimulationBuilder()
    builder.set_default_period(default_period)
    try:
        simulation = builder.build_from_entities(system, clean)
    except SituationParsingError as exc:
        raise DomainError(_parsing_detail(exc), field=_parsing_field(exc)) from None
    except VariableNotFoundError as exc:
        raise DomainError(str(exc).splitlines()[0], field="situation") from None
    simulation.trace = trace
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for r in requested:
        try:
            array = simulation.calculate(r.variable, r.period)
        except ValueError as exc:
            raise DomainError(str(exc).splitlines()[0], field=f"{r.plural}.{r.entity_id}") from None
        population = simulation.get_variable_population(r.variable)
        index = list(population.ids).index(r.entity_id)
        entity_values = values.setdefault(r.plural, {}).setdefault(r.entity_id, {})
        entity_values.setdefault(r.variable, {})[r.period] = _plain(array)[index]
    nodes = trace_serialise(system, simulation.tracer.trees) if trace else []
    return Calculation(package.code, version, values, nodes)


def _parsing_field(exc: SituationParsingError) -> str:
    path: list[str] = []
    node: Any = exc.error
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        path.append(str(key))
    return ".".join(path) or "situation"


def _parsing_detail(exc: SituationParsingError) -> str:
    node: Any = exc.error
    while isinstance(node, dict) and node:
        node = next(iter(node.values()))
    return str(node).splitlines()[0][:300] if node else _("The situation could not be read.")


# --- trace -------------------------------------------------------------------------------------
def parameter_info(system: TaxBenefitSystem, name: str) -> dict[str, Any]:
    node: Any = system.parameters
    for part in name.split("."):
        try:
            node = node.children[part] if hasattr(node, "children") else getattr(node, part)
        except (KeyError, AttributeError):
            return {}
    metadata = dict(getattr(node, "metadata", {}) or {})
    return {
        "reference": metadata.get("reference", ""),
        "reference_fr": metadata.get("reference_fr", ""),
        "unit": metadata.get("unit", "") or metadata.get("rate_unit", ""),
        "description": getattr(node, "description", "") or "",
    }


def _node_dict(system: TaxBenefitSystem, node: Any, seen: dict[str, Any]) -> dict[str, Any]:
    variable = system.variables.get(node.name)
    out: dict[str, Any] = {
        "name": node.name,
        "period": str(node.period),
        "value": _plain(node.value) if node.value is not None else [],
        "type": getattr(variable.value_type, "__name__", str(variable.value_type))
        if variable
        else "",
        "label": getattr(variable, "label", "") or "",
        "reference": _reference(variable),
        "parameters": [],
        "children": [],
    }
    for p in node.parameters:
        info = seen.setdefault(p.name, parameter_info(system, p.name))
        out["parameters"].append({"name": p.name, "value": _plain(p.value), **info})
    out["children"] = [_node_dict(system, c, seen) for c in node.children]
    return out


def _reference(variable: Any) -> str:
    ref = getattr(variable, "reference", None) if variable else None
    if isinstance(ref, list | tuple):
        return "; ".join(str(r) for r in ref)
    return str(ref or "")


def trace_serialise(system: TaxBenefitSystem, trees: list[Any]) -> list[dict[str, Any]]:
    seen: dict[str, Any] = {}
    return [_node_dict(system, tree, seen) for tree in trees]


def trace_walk(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(reversed(trace))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.get("children", [])))
    return out
