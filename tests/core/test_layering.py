"""The app layering (issue 16 §1): lower apps never import a higher app's services to react to its
changes (they publish a domain event and the higher app subscribes), and import-linter's
contracts in ``.importlinter`` hold (layers; pure modules import no Django)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kefu"
# bottom to top, as in .importlinter
LOWER = ("core", "accounts", "customers", "tickets")
# not reactions (each also an ignore_imports line of .importlinter): a new business line gets
# its ticket categories; the reply box's live check reads the line's service-language rules
KNOWN = {("accounts", "kefu.tickets.services"), ("tickets", "kefu.knowledge.services")}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # from kefu.followups import services
                yield node.lineno, f"{node.module}.{alias.name}"


def _higher_services(app: str, module: str) -> bool:
    parts = module.split(".")
    if len(parts) < 3 or parts[0] != "kefu" or parts[2] != "services" or parts[1] == app:
        return False
    other = parts[1]
    return other not in LOWER[: LOWER.index(app) + 1]


def _violations() -> list[str]:
    found = []
    for app in LOWER:
        for path in sorted((SRC / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, module in _imports(path):
                if (
                    _higher_services(app, module)
                    and (app, ".".join(module.split(".")[:3])) not in KNOWN
                ):
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_lower_apps_do_not_import_higher_apps_services():
    assert _violations() == [], (
        "a lower app reacts to a higher app by importing its services: publish a domain event "
        "(kefu.core.events) and subscribe in the higher app's AppConfig.ready() instead"
    )


def test_the_scan_catches_a_reaction_written_the_old_way(tmp_path):
    # the scan itself: tickets importing followups' services is what issue 16 removed
    assert _higher_services("tickets", "kefu.followups.services")
    assert _higher_services("tickets", "kefu.surveys.services.invite_after_close")
    assert _higher_services("customers", "kefu.tickets.services")
    assert not _higher_services("tickets", "kefu.customers.services")  # a lower app's command
    assert not _higher_services("tickets", "kefu.tickets.services")


def test_known_exceptions_still_exist():
    # an exception that is no longer needed is removed from KNOWN
    for app, module in KNOWN:
        assert any(
            m.startswith(module)
            for path in (SRC / app).rglob("*.py")
            for _line, m in _imports(path)
        ), (app, module)


def test_import_linter_contracts_hold():
    pytest.importorskip("importlinter")
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(command), "--config", str(ROOT / ".importlinter")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
