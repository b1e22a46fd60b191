"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG")}
    base.update({"PORTAL_VAR_DIR": str(tmp_path), "DATABASE_URL": "", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x7!k2#pL9@qW4$zR8^mN3&vB6*cX1(jH5)tY0-uI_oP+aS=dF/eG%hJ&kL",
    "FIELD_ENCRYPTION_KEY": "a-long-random-production-field-key",
    "ALLOWED_HOSTS": "portal.example.org",
}


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_a_secret(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"The environment variable {missing} must be set in production." in result.stderr


def test_dev_settings_with_debug_off_need_real_secrets(tmp_path):
    result = manage(
        "check", env={"DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "false"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_malformed_boolean_is_reported_by_name(tmp_path):
    result = manage(
        "check", env={"DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "maybe"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_portal_speaks_chinese_in_shanghai_time():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
