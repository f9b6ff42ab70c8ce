"""`dmcheck verify SUITE FILE.npz|FILE.npy` beside CSV (the build tree's CLI)."""
import os
import subprocess

import numpy as np
import pytest

import dmcheck
from conftest import CLI, ROOT


def run(*args):
    return subprocess.run([CLI, "verify", "sched_linear", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def rows():
    return dmcheck.ref("sched_linear")


def test_npz_named_arrays_pass_and_fail(tmp_path, rows):
    ok = tmp_path / "ok.npz"
    np.savez(ok, T=rows["T"], t=rows["t"].astype(np.int64), alphabar=rows["alphabar"])
    p = run(ok)
    assert p.returncode == 0 and "PASS" in p.stdout
    bad = tmp_path / "bad.npz"
    ab = rows["alphabar"].copy()
    ab[4] = np.nextafter(np.nextafter(ab[4], 0), 0)
    np.savez(bad, id=np.arange(ab.size), alphabar=ab)
    p = run(bad)
    assert p.returncode == 1 and "row 4 (id 4)" in p.stdout and " 2 ULP" in p.stdout


def test_npy_structured_array(tmp_path, rows):
    a = np.zeros(rows["t"].size, dtype=[("T", "<f8"), ("t", "<i4"), ("alphabar", "<f4")])
    a["T"], a["t"], a["alphabar"] = rows["T"], rows["t"], rows["alphabar"]
    f = tmp_path / "c.npy"
    np.save(f, a)
    assert run(f, "--dtype", "float32").returncode == 0
    assert run(f, "--dtype", "float64").returncode == 1  # float32 values judged as float64


@pytest.mark.parametrize("make, msg", [
    (lambda f, r: np.savez_compressed(f, alphabar=r["alphabar"]), "compressed .npz"),
    (lambda f, r: np.savez(f, alphabar=r["alphabar"], zeta=r["alphabar"]), "column 'zeta'"),
    (lambda f, r: np.savez(f, T=r["T"][:2], t=r["t"][:2], alphabar=np.ones(2).reshape(2, 1)), "1-D"),
    (lambda f, r: np.savez(f, T=r["T"][:2], t=r["t"][:3], alphabar=r["alphabar"][:2]), "different lengths"),
    (lambda f, r: np.savez(f, alphabar=r["alphabar"].astype(">f8")), "not supported"),
    (lambda f, r: np.savez(f, T=np.full(2, 10.0), t=np.zeros(2), alphabar=np.ones(2)), "row 0: inputs outside"),
    (lambda f, r: open(f, "wb").write(b"PK\x03\x04junk"), "zip"),
])
def test_bad_numpy_files_exit_2_naming_the_file(tmp_path, rows, make, msg):
    f = tmp_path / "c.npz"
    make(str(f), rows)
    p = run(f)
    assert p.returncode == 2 and p.stdout == "" and p.stderr.startswith(str(f)) and msg in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_plain_npy_without_names_is_refused(tmp_path, rows):
    f = tmp_path / "c.npy"
    np.save(f, rows["alphabar"])
    p = run(f)
    assert p.returncode == 2 and "no column names" in p.stderr
