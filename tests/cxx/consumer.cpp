// consumer.cpp -- a C++ program built against the installed dmcheck.h and
// libdmcheck.so (pkg-config dmcheck, see the Makefile): the header must be
// usable from C++ (extern "C" around all of it) and the shared library must
// export the documented API and nothing else.
#include <dmcheck.h>

#include <dlfcn.h>
#include <cmath>
#include <cstdio>
#include <cstring>

static int failures = 0;

static void expect(bool ok, const char *what)
{
  std::printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) failures++;
}

int main(int argc, char **argv)
{
  // E[x | x_t] for x_t = 2, mu_t = 1/2, sigma_t = 1, score = -1: (2 - 1) / 0.5 = 2 exactly.
  double mean = 0;
  expect(dmc_tweedie_mean(2.0, 0.5, 1.0, -1.0, &mean) == DMC_OK && mean == 2.0,
         "dmc_tweedie_mean links from C++ and returns (2 - 1)/0.5 = 2");
  // score of N(1, 2^2) at 3: (1 - 3)/4 = -0.5 exactly.
  double score = 0;
  expect(dmc_gauss_score(3.0, 1.0, 2.0, &score) == DMC_OK && score == -0.5,
         "dmc_gauss_score(3; 1, 2) = -1/2");
  // error convention: NaN output and DMC_EDOM for sigma = 0.
  expect(dmc_gauss_score(3.0, 1.0, 0.0, &score) == DMC_EDOM && std::isnan(score),
         "dmc_gauss_score with sigma = 0 gives DMC_EDOM and NaN");
  // the GSL types of the API are usable (pkg-config's Requires: gsl).
  gsl_rng *r = dmc_stream_alloc();
  expect(r && dmc_stream_seed(r, 42, 7) == DMC_OK, "dmc_stream_alloc/seed with gsl_rng");
  gsl_rng_free(r);
  expect(std::strlen(dmc_strerror(DMC_ERANGE)) > 0, "dmc_strerror");

  // Visibility: the documented API is exported, internals are not.
  // the installed library by its path (under ASan dlopen does not search
  // this program's run path); another library may be named on the command line
  const char *lib = argc > 1 ? argv[1] : DMC_INSTALLED_SO;
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  expect(h != nullptr, "dlopen libdmcheck.so");
  if (h) {
    expect(dlsym(h, "dmc_unif_score") != nullptr, "dmc_unif_score is exported");
    const char *internal[] = { "dd_log", "dd_exp_scaled", "dd_ldexp", "dd_log_scaled", "qdd_log",
                               "dmc_dd_ldexp", "dmc_dd_log_scaled", "dmc_gauss_logpdf_qdd" };
    for (const char *name : internal) {
      char what[96];
      std::snprintf(what, sizeof what, "internal %s is not exported", name);
      expect(dlsym(h, name) == nullptr, what);
    }
    dlclose(h);
  }
  std::printf("%s\n", failures ? "FAILED" : "all passed");
  return failures ? 1 : 0;
}
