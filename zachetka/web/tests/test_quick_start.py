"""The README's quick start: `make demo PORT=…` serves on that port and the public address
(QR codes, e-mailed links) follows it; the README needs nothing outside the repository."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _demo_commands(*args: str) -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.fail("GNU make is needed for the README's commands")
    # -n prints the recipe without running it; the stamp is treated as up to date (-o).
    result = subprocess.run(  # noqa: S603 (fixed arguments, our own Makefile)
        [make, "-n", "-o", ".venv/.installed", "demo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_demo_port_moves_the_server_and_the_public_address():
    lines = _demo_commands("PORT=8100")
    runserver = next(line for line in lines if "runserver" in line)
    load_demo = next(line for line in lines if "load_demo" in line)
    assert runserver.endswith("runserver 127.0.0.1:8100")
    assert "ZACHETKA_PUBLIC_URL=http://127.0.0.1:8100" in runserver
    assert "ZACHETKA_PUBLIC_URL=http://127.0.0.1:8100" in load_demo


def test_make_demo_takes_an_explicit_public_address():
    lines = _demo_commands("HOST=0.0.0.0", "PORT=8100", "DEMO_PUBLIC_URL=http://192.0.2.10:8100")
    runserver = next(line for line in lines if "runserver" in line)
    assert "ZACHETKA_PUBLIC_URL=http://192.0.2.10:8100" in runserver
    assert runserver.endswith("runserver 0.0.0.0:8100")


def test_readme_and_code_point_only_inside_the_repository():
    texts = [ROOT / "README.md", *ROOT.joinpath("docs").glob("*.md")]
    texts += [path for path in ROOT.joinpath("zachetka").rglob("*.py") if path != Path(__file__).resolve()]
    outside = re.compile(r"\.\./shared|shared/docs|(?<![/\w])domain\.md")
    offenders = [str(path.relative_to(ROOT)) for path in texts if outside.search(path.read_text("utf-8"))]
    assert offenders == []
    for linked in re.findall(r"`(docs/[\w.-]+\.md)`", (ROOT / "README.md").read_text("utf-8")):
        assert (ROOT / linked).is_file(), linked
