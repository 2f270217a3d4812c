"""The rules demo loads on the demo country, makes a bias report, and loads once."""

from __future__ import annotations

import datetime as dt

from govdoor.rules.models import BiasReport, RulePackageRelease, ServiceRuleBinding


def test_the_rules_demo_loads_once_and_leaves_something_to_scan(db: None) -> None:
    from govdoor.catalogue.demo import demo_catalogue_load
    from govdoor.demo.services import demo_country_load
    from govdoor.exchange.demo import exchange_demo_load
    from govdoor.registries.demo import demo_registers_load
    from govdoor.rules import scan
    from govdoor.rules.demo import rules_demo_load

    demo_country_load(seed=2026, people=150, as_of=dt.date(2026, 11, 1))
    demo_registers_load(progress=False)
    demo_catalogue_load()
    exchange_demo_load()
    first = rules_demo_load()
    assert first["releases"] == 2 and first["bias_reports"] == 1
    assert first["bindings"] >= 4 and first["consents"] > 0
    assert rules_demo_load() == {"releases": 0, "bindings": 0, "consents": 0, "bias_reports": 0}
    assert RulePackageRelease.objects.get(version="2027.1").status == "shadow"
    kinds = set(ServiceRuleBinding.objects.values_list("variable", flat=True))
    assert kinds == {"child_benefit", "housing_allowance", "property_tax_rebate", "startup_grant"}
    assert not ServiceRuleBinding.objects.filter(auto_refuse=True).exists()
    report = BiasReport.objects.get()
    assert report.population > 50
    assert {r["dimension"] for r in report.rows} == {"sex", "age_band", "region", "disability"}
    done = scan.scan_run(scan_id=scan.scan_start(service_code="child-benefit").pk)
    assert done.status == "done" and done.scanned == first["consents"]
