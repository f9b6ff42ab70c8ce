"""The issue's acceptance snippet against `make install PREFIX=/usr DESTDIR=D`:
the installed package, library and vectors alone (no build-tree paths)."""
import os
import subprocess
import sys

from conftest import ROOT

SNIPPET = r'''
import numpy as np, dmcheck
r = dmcheck.ref("sched_linear")
ok = dmcheck.verify("sched_linear", dtype="float64", T=r["T"], t=r["t"], alphabar=r["alphabar"])
t = np.arange(1, 1001)
bad = dmcheck.verify("sched_linear", dtype="float32", T=np.full(1000, 1000.0), t=t,
                     alphabar=np.cumprod(1 - np.linspace(1e-4, 0.02, 1000, dtype=np.float32)))
assert ok.ok and ok.max_ulp["alphabar"] == 0 and not bad.ok and bad.max_ulp["alphabar"] > 1
print(dmcheck.__file__)
print(str(ok).splitlines()[1])
'''


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DMCHECK_LIB", "DMC_VECTORS", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    env.update(extra)
    return env


def install(dest):
    b = os.environ.get("DMCHECK_MAKE_B", "build")  # the build directory of the calling make
    subprocess.run(["make", "-s", "-C", ROOT, "install", "B=" + b, "PREFIX=/usr", "DESTDIR=%s" % dest],
                   check=True, env=clean_env(), stdout=subprocess.DEVNULL)
    return os.path.join(dest, "usr")


def test_acceptance_snippet_on_the_installed_package(tmp_path):
    usr = install(tmp_path / "d")
    site = os.path.join(usr, "lib", "python3", "dist-packages")
    p = subprocess.run([sys.executable, "-c", SNIPPET], cwd=str(tmp_path), env=clean_env(PYTHONPATH=site),
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    pkg, source = p.stdout.splitlines()
    assert pkg.startswith(site)
    assert os.path.join(usr, "lib", "..", "share", "dmcheck", "vectors") in source  # not the source tree
    assert ROOT + "/reference" not in source


def test_installed_cli_finds_installed_vectors_and_rejects_a_missing_dir(tmp_path):
    usr = install(tmp_path / "d")
    cand = tmp_path / "c.csv"
    cand.write_text("id,alphabar\n0,0.5\n")
    exe = os.path.join(usr, "bin", "dmcheck")
    p = subprocess.run([exe, "verify", "sched_linear", str(cand)], capture_output=True, text=True, env=clean_env())
    assert p.returncode == 1 and os.path.join(usr, "bin", "..", "share", "dmcheck", "vectors") in p.stdout
    p = subprocess.run([exe, "verify", "sched_linear", str(cand)], capture_output=True, text=True,
                       env=clean_env(DMC_VECTORS="/nonexistent"))
    assert p.returncode == 2 and "DMC_VECTORS=/nonexistent" in p.stderr and p.stdout == ""
    p = subprocess.run([exe, "help", "verify"], capture_output=True, text=True, env=clean_env())
    assert p.returncode == 0 and p.stdout.startswith("usage: dmcheck verify")
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "dmcverify"], capture_output=True, text=True,
                        env=clean_env(PKG_CONFIG_PATH=os.path.join(usr, "lib", "pkgconfig"),
                                      PKG_CONFIG_SYSROOT_DIR=str(tmp_path / "d")))
    assert pc.returncode == 0 and "-ldmcverify" in pc.stdout


def test_installed_c_consumer(tmp_path):
    """A C program using only the installed header and library (pkg-config)."""
    usr = install(tmp_path / "d")
    src = tmp_path / "use.c"
    src.write_text(r'''
#include <dmcverify.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
  double ab[2] = { 0.5, 0.5 };
  const double *out[16] = { 0 };
  int ni, no;
  if (dmv_suite_shape("sched_linear", &ni, &no) || no > 16) return 4;
  for (int i = 0; i < no; i++)
    if (!strcmp(dmv_suite_output("sched_linear", i), "alphabar")) out[i] = ab;
  dmv_result *r;
  char err[512];
  if (dmv_verify_columns("sched_linear", NULL, 2, NULL, NULL, out, NULL, NULL, &r, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 3;
  }
  int ok = dmv_result_ok(r);
  double m = 0;
  for (int i = 0; i < no; i++) if (out[i]) m = dmv_result_max_ulp(r, i);
  dmv_result_free(r);
  printf("%d %g\n", ok, m);
  return ok;
}
''')
    inc, lib = os.path.join(usr, "include"), os.path.join(usr, "lib")
    exe = tmp_path / "use"
    subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", "-I" + inc, str(src), "-o", str(exe), "-L" + lib,
                    "-Wl,-rpath," + lib, "-ldmcverify"], check=True)
    p = subprocess.run([str(exe)], capture_output=True, text=True, env=clean_env())
    assert p.returncode == 0 and p.stdout.split()[0] == "0" and float(p.stdout.split()[1]) > 1e6, p.stderr
