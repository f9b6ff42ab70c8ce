/* cli_functions.c -- the table of scalar functions the CLI can evaluate.
 * Add a row here to make a function available to list and eval. */
#include "cli.h"
#include "dmcheck.h"
#include "dmcref.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int ref_score(const double *a, double *o) { return ref_gauss_score(a[0], a[1], a[2], o); }
static int lib_score(const double *a, double *o) { return dmc_gauss_score(a[0], a[1], a[2], o); }
static int ref_logpdf(const double *a, double *o) { return ref_gauss_logpdf(a[0], a[1], a[2], o); }
static int lib_logpdf(const double *a, double *o) { return dmc_gauss_logpdf(a[0], a[1], a[2], o); }

/* D6: arguments kind (1 OU, 2 VP), p0, p1, p2 as dmc_sde, then t (and x) */
static dmc_sde sde_from(const double *a) { dmc_sde s = { (int)a[0], a[1], a[2], a[3] }; return s; }
static int sde_ref_drift(const double *a, double *o) { return ref_sde_drift((int)a[0], a[1], a[2], a[3], a[4], a[5], o); }
static int sde_lib_drift(const double *a, double *o) { dmc_sde s = sde_from(a); return dmc_sde_drift(&s, a[4], a[5], o); }
static int sde_ref_diffusion(const double *a, double *o) { return ref_sde_diffusion((int)a[0], a[1], a[2], a[3], a[4], o); }
static int sde_lib_diffusion(const double *a, double *o) { dmc_sde s = sde_from(a); return dmc_sde_diffusion(&s, a[4], o); }
static int sde_lib_marginal(const double *a, double *o, int which)
{
  dmc_sde s = sde_from(a);
  double c[3];
  int st = dmc_sde_marginal(&s, a[4], &c[0], &c[1], &c[2]);
  *o = c[which];
  return st;
}
static int sde_ref_marg_a(const double *a, double *o) { return ref_sde_marginal((int)a[0], a[1], a[2], a[3], a[4], 0, o); }
static int sde_ref_marg_b(const double *a, double *o) { return ref_sde_marginal((int)a[0], a[1], a[2], a[3], a[4], 1, o); }
static int sde_ref_marg_sd(const double *a, double *o) { return ref_sde_marginal((int)a[0], a[1], a[2], a[3], a[4], 2, o); }
static int sde_lib_marg_a(const double *a, double *o) { return sde_lib_marginal(a, o, 0); }
static int sde_lib_marg_b(const double *a, double *o) { return sde_lib_marginal(a, o, 1); }
static int sde_lib_marg_sd(const double *a, double *o) { return sde_lib_marginal(a, o, 2); }

/* D4: linear DSM; arguments mu sigma sigma_eps (then w b) */
static int dsm_ref_opt_w(const double *a, double *o) { double b; return ref_dsm_linear_optimum(a[0], a[1], a[2], o, &b); }
static int dsm_lib_opt_w(const double *a, double *o) { double b; return dmc_dsm_linear_optimum(a[0], a[1], a[2], o, &b); }
static int dsm_ref_opt_b(const double *a, double *o) { double w; return ref_dsm_linear_optimum(a[0], a[1], a[2], &w, o); }
static int dsm_lib_opt_b(const double *a, double *o) { double w; return dmc_dsm_linear_optimum(a[0], a[1], a[2], &w, o); }
static int dsm_ref_loss(const double *a, double *o) { return ref_dsm_loss(a[0], a[1], a[2], a[3], a[4], o); }
static int dsm_lib_loss(const double *a, double *o) { return dmc_dsm_loss(a[0], a[1], a[2], a[3], a[4], o); }
static int dsm_ref_esm(const double *a, double *o) { return ref_esm_loss(a[0], a[1], a[2], a[3], a[4], o); }
static int dsm_lib_esm(const double *a, double *o) { return dmc_esm_loss(a[0], a[1], a[2], a[3], a[4], o); }
static int dsm_ref_const(const double *a, double *o) { return ref_dsm_loss_constant(a[0], a[1], o); }
static int dsm_lib_const(const double *a, double *o) { return dmc_dsm_loss_constant(a[0], a[1], o); }

static int elbo_ref_kl(const double *a, double *o) { return ref_gauss_kl(a[0], a[1], a[2], a[3], o); }
static int elbo_lib_kl(const double *a, double *o) { return dmc_gauss_kl(a[0], a[1], a[2], a[3], o); }
static int elbo_ref_loglik(const double *a, double *o) { return ref_gauss_loglik(a[0], a[1], a[2], o); }
static int elbo_lib_loglik(const double *a, double *o) { return dmc_gauss_loglik(a[0], a[1], a[2], o); }
static int elbo_ref_disc(const double *a, double *o) { return ref_discretized_gaussian_loglik(a[0], a[1], a[2], o); }
static int elbo_lib_disc(const double *a, double *o) { return dmc_discretized_gaussian_loglik(a[0], a[1], a[2], o); }

/* D2: mixtures on the command line have two components, weights linear */
static int tw_ref_mean(const double *a, double *o) { return ref_tweedie_mean(a[0], a[1], a[2], a[3], o); }
static int tw_lib_mean(const double *a, double *o) { return dmc_tweedie_mean(a[0], a[1], a[2], a[3], o); }
static int tw_ref_var(const double *a, double *o) { return ref_tweedie_var(a[0], a[1], a[2], o); }
static int tw_lib_var(const double *a, double *o) { return dmc_tweedie_var(a[0], a[1], a[2], o); }
static int tw_ref_gmix2_score(const double *a, double *o)
{
  const double w[2] = { a[3], a[6] }, m[2] = { a[4], a[7] }, s[2] = { a[5], a[8] };
  return ref_gmix_score(a[0], a[1], a[2], 2, w, m, s, 0, o);
}
static int tw_lib_gmix2_score(const double *a, double *o)
{
  const double w[2] = { a[3], a[6] }, m[2] = { a[4], a[7] }, s[2] = { a[5], a[8] };
  return dmc_gmix_score(a[0], a[1], a[2], 2, w, m, s, DMC_WEIGHTS_LINEAR, o);
}
static int tw_ref_gmix2_mean(const double *a, double *o)
{
  const double w[2] = { a[3], a[6] }, m[2] = { a[4], a[7] }, s[2] = { a[5], a[8] };
  return ref_gmix_mean(a[0], a[1], a[2], 2, w, m, s, 0, o);
}
static int tw_lib_gmix2_mean(const double *a, double *o)
{
  const double w[2] = { a[3], a[6] }, m[2] = { a[4], a[7] }, s[2] = { a[5], a[8] };
  return dmc_gmix_mean(a[0], a[1], a[2], 2, w, m, s, DMC_WEIGHTS_LINEAR, o);
}
static int tw_ref_unif(const double *a, double *o) { return ref_unif_score(a[0], a[1], a[2], a[3], a[4], o); }
static int tw_lib_unif(const double *a, double *o) { return dmc_unif_score(a[0], a[1], a[2], a[3], a[4], o); }

/* schedules: log-SNR and the parameterisation conversions (0 eps, 1 x0, 2 v, 3 score) */
static int sched_ref_log_snr(const double *a, double *o) { return ref_log_snr(a[0], a[1], o); }
static int sched_lib_log_snr(const double *a, double *o) { return dmc_log_snr(a[0], a[1], o); }
static int sched_kind_ok(double k) { return k >= 0 && k <= 3 && k == floor(k); }
static int sched_ref_convert(const double *a, double *o)
{
  if (!sched_kind_ok(a[0]) || !sched_kind_ok(a[1])) { *o = NAN; return 1; }
  return ref_param_convert((int)a[0], (int)a[1], a[2], a[3], a[4], o);
}
static int sched_lib_convert(const double *a, double *o)
{
  if (!sched_kind_ok(a[0]) || !sched_kind_ok(a[1])) { *o = NAN; return DMC_EDOM; }
  return dmc_param_convert((int)a[0], (int)a[1], a[2], a[3], a[4], o);
}

const cli_function cli_functions[] = {
  { "gauss_score", 3, "x mu sigma", "gauss.score.toy", ref_score, lib_score },
  { "gauss_logpdf", 3, "x mu sigma", "gauss.pdf.toy", ref_logpdf, lib_logpdf },
  /* D2 */
  { "tweedie_mean", 4, "x_t mu_t sigma_t score", "tweedie.formula", tw_ref_mean, tw_lib_mean },
  { "tweedie_var", 3, "mu_t sigma_t dscore", "tweedie.cov", tw_ref_var, tw_lib_var },
  { "gmix2_score", 9, "x_t mu_t sigma_t w0 m0 s0 w1 m1 s1", "tweedie.mixture.score", tw_ref_gmix2_score, tw_lib_gmix2_score },
  { "gmix2_mean", 9, "x_t mu_t sigma_t w0 m0 s0 w1 m1 s1", "tweedie.mixture.mean", tw_ref_gmix2_mean, tw_lib_gmix2_mean },
  { "unif_score", 5, "x_t mu_t sigma_t a b", "tweedie.uniform", tw_ref_unif, tw_lib_unif },
  /* D4 */
  { "dsm_optimum_w", 3, "mu sigma sigma_eps", "dsm.opt", dsm_ref_opt_w, dsm_lib_opt_w },
  { "dsm_optimum_b", 3, "mu sigma sigma_eps", "dsm.opt", dsm_ref_opt_b, dsm_lib_opt_b },
  { "dsm_loss", 5, "mu sigma sigma_eps w b", "dsm.loss", dsm_ref_loss, dsm_lib_loss },
  { "esm_loss", 5, "mu sigma sigma_eps w b", "dsm.loss", dsm_ref_esm, dsm_lib_esm },
  { "dsm_loss_constant", 2, "sigma sigma_eps", "dsm.vincent", dsm_ref_const, dsm_lib_const },
  /* D6 */
  { "sde_drift", 6, "kind p0 p1 p2 t x", "sde.forward.coefficients", sde_ref_drift, sde_lib_drift },
  { "sde_diffusion", 5, "kind p0 p1 p2 t", "sde.forward.coefficients", sde_ref_diffusion, sde_lib_diffusion },
  { "sde_marginal_a", 5, "kind p0 p1 p2 t", "sde.forward.marginal", sde_ref_marg_a, sde_lib_marg_a },
  { "sde_marginal_b", 5, "kind p0 p1 p2 t", "sde.forward.marginal", sde_ref_marg_b, sde_lib_marg_b },
  { "sde_marginal_sd", 5, "kind p0 p1 p2 t", "sde.forward.marginal", sde_ref_marg_sd, sde_lib_marg_sd },
  /* D7 */
  { "gauss_kl", 4, "mu1 logvar1 mu2 logvar2", "elbo.kl.gauss", elbo_ref_kl, elbo_lib_kl },
  { "gauss_loglik", 3, "x mean logvar", "elbo.loglik.gauss", elbo_ref_loglik, elbo_lib_loglik },
  { "discretized_gaussian_loglik", 3, "x mean log_scale", "elbo.loglik.discretized", elbo_ref_disc, elbo_lib_disc },
  /* schedules */
  { "log_snr", 2, "alphabar one_minus", "sched.logsnr", sched_ref_log_snr, sched_lib_log_snr },
  { "param_convert", 5, "from to alphabar x_t u", "sched.param.conversions", sched_ref_convert, sched_lib_convert },
};
const int cli_nfunctions = (int)(sizeof cli_functions / sizeof *cli_functions);

const cli_function *cli_find_function(const char *name)
{
  for (int i = 0; i < cli_nfunctions; i++)
    if (!strcmp(cli_functions[i].name, name)) return &cli_functions[i];
  return NULL;
}

int cli_parse_double(const char *s, double *out)
{
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return (end == s || *end != '\0' || (errno == ERANGE && isinf(*out))) ? -1 : 0;
}
