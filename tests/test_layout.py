"""The shape of the project: dependencies point one way, deployments point at real flows."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# package -> top-level modules it must never import
FORBIDDEN = {
    "extractors": {"prefect", "duckdb", "httpx", "warehouse", "flows"},
    "warehouse": {"prefect", "httpx", "flows"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if imported_roots(path) & FORBIDDEN[package]
    }
    assert not offenders


def test_only_the_pipeline_imports_prefect():
    users = {str(p.relative_to(ROOT)) for p in (ROOT / "flows").rglob("*.py") if "prefect" in imported_roots(p)}
    assert users == {"flows/pipeline.py"}


def test_deployments_point_at_flows_with_their_parameters():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    scheduled = []
    for deployment in spec["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, name)
        accepted = set(inspect.signature(flow.fn).parameters)
        assert set(deployment.get("parameters", {})) <= accepted, deployment["name"]
        scheduled += [s["interval"] for s in deployment.get("schedules", [])]
    assert 1800 in scheduled


def test_every_seed_has_valid_settings():
    from extractors.seed import load_seed
    from extractors.settings import load_settings

    for seed in (ROOT / "seeds").glob("*.txt"):
        load_seed(seed)
        load_settings(seed.with_suffix(".toml"))
