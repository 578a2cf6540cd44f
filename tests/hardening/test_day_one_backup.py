"""Issue 15, item 5: survey links survive a restore onto another machine.

The signing key is part of the backup and goes back where the new machine reads it, unless the
environment decides the key (KEFU_SECRET_KEY), and then the restore says so.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tarfile

import pytest

from kefu.cli import main
from kefu.core import backup
from kefu.surveys.tokens import make_token

OLD_KEY = "kefu-old-machine-" + "k" * 40

# what a freshly started `kefu` process on the new machine verifies with
VERIFY = (
    "import django, sys; django.setup(); "
    "from kefu.surveys.tokens import token_invitation_id; "
    "print(token_invitation_id(sys.argv[1]))"
)


def _verifies_on(data_dir, token: str, env_key: str | None = None) -> bool:
    env = {k: v for k, v in os.environ.items() if k != "KEFU_SECRET_KEY"}
    env.update(KEFU_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="kefu.settings")
    if env_key:
        env["KEFU_SECRET_KEY"] = env_key
    done = subprocess.run(
        [sys.executable, "-c", VERIFY, token], env=env, capture_output=True, text=True
    )
    return done.returncode == 0 and done.stdout.strip() == "4711"


@pytest.fixture
def old_machine(settings, monkeypatch, tmp_path, org):
    """A machine whose key was generated into its data dir; a backup of it; a signed link."""
    monkeypatch.delenv("KEFU_SECRET_KEY", raising=False)
    settings.SECRET_KEY = OLD_KEY
    token = make_token(4711)
    archive = tmp_path / "kefu.tar.gz"
    assert main(["backup", "--out", str(archive)]) == 0
    return archive, token


@pytest.mark.django_db(transaction=True)
def test_a_survey_link_still_verifies_after_a_restore_into_a_fresh_data_dir(
    old_machine, settings, tmp_path, capsys
):
    archive, token = old_machine
    # the archive carries the key, readable by its owner only
    with tarfile.open(archive) as tar:
        member = tar.getmember("secret_key")
        assert tar.extractfile(member).read().decode() == OLD_KEY
        assert stat.S_IMODE(member.mode) == 0o600
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    # given a new machine: its own generated key, an empty data dir
    fresh = tmp_path / "new-machine"
    fresh.mkdir()
    settings.DATA_DIR = fresh
    settings.SECRET_KEY = "kefu-new-machine-" + "n" * 40
    assert not _verifies_on(fresh, token)  # a fresh key refuses the old link

    # when the backup is restored there
    assert main(["restore", str(archive), "--yes"]) == 0
    out = capsys.readouterr().out

    # then the key is back, private, and the old link verifies in a freshly started process
    key_file = fresh / "secret_key"
    assert key_file.read_text() == OLD_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "Restored the secret key" in out
    assert _verifies_on(fresh, token)


@pytest.mark.django_db(transaction=True)
def test_a_restore_says_so_when_the_environment_sets_another_key(
    old_machine, settings, tmp_path, monkeypatch, capsys
):
    archive, token = old_machine
    fresh = tmp_path / "new-machine"
    fresh.mkdir()
    settings.DATA_DIR = fresh
    monkeypatch.setenv("KEFU_SECRET_KEY", "kefu-env-key-" + "e" * 40)

    result = backup.restore(archive, force=True, say=print)

    out = capsys.readouterr().out
    assert "KEFU_SECRET_KEY is set and differs from the backup's key" in out
    assert result.secret_key["restored"] is False
    assert result.as_dict()["secret_key"]["matches"] is False
    assert not (fresh / "secret_key").exists()  # the environment decides, nothing written
    # with the old key set in the environment the link verifies
    assert _verifies_on(fresh, token, env_key=OLD_KEY)


@pytest.mark.django_db(transaction=True)
def test_a_backup_whose_key_was_altered_is_refused(old_machine, tmp_path):
    archive, _token = old_machine
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(altered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "secret_key":
                data = b"someone-else"
                member.size = len(data)
            dst.addfile(member, None if data is None else io.BytesIO(data))

    with pytest.raises(backup.BackupError, match="secret key"):
        backup.verify_archive(altered)
