/* langevin.c -- D7: document 001's Langevin demo over many trials, with the
 * demo's per-step "ELBO" accumulation (claims elbo.langevin.*, elbo.demo.*).
 * Trials are cut into blocks; block k draws only from stream k of the seed
 * (dmc_run_blocks, src/rng.c), so results do not depend on the thread count. */
#include "dmcheck.h"
#include "outputs.h"

#include <math.h>

typedef struct {
  double mu, tau, sigma2, dt, x0;
  size_t ntrials, nsteps;
  double *x_out, *elbo_out;
} run_ctx;

/* The block's normals come from dmc_normal_gen (src/normal.c), measured about
 * 2x faster than GSL's ziggurat on its fastest generator, seeded with 64 bits
 * from the block's own mt19937 stream, so the block still owns its stream. */
static int run_block(void *vctx, size_t block, gsl_rng *stream)
{
  const run_ctx *c = vctx;
  dmc_normal_gen gen;
  uint64_t key = (uint64_t)gsl_rng_get(stream) << 32;
  dmc_normal_seed(&gen, key | (uint64_t)gsl_rng_get(stream));
  size_t first = block * DMC_LANGEVIN_BLOCK;
  size_t n = c->ntrials - first < DMC_LANGEVIN_BLOCK ? c->ntrials - first : DMC_LANGEVIN_BLOCK;
  const double dt = c->dt, mu = c->mu;
  const double rate = dt / (c->tau * c->sigma2);     /* tau^-1 sigma^-2 dt */
  const double var = 2 * dt / c->tau;                /* the demo's trans_var */
  const double noise = sqrt(var);                    /* the demo's sqrt(2/tau * dt) */
  const double half_inv_var = 0.5 / var;
  double x[DMC_LANGEVIN_BLOCK], elbo[DMC_LANGEVIN_BLOCK], z[DMC_LANGEVIN_BLOCK];
  for (size_t i = 0; i < n; i++) { x[i] = c->x0; elbo[i] = 0; }
  /* step-major inside the block: the draws of one step for all trials of the
   * block, then the independent updates (no division in the loop) */
  for (size_t k = 0; k < c->nsteps; k++) {
    dmc_normal_fill(&gen, n, z);
    for (size_t i = 0; i < n; i++) {
      /* the demo's logProbBackward - logProbForward at (x, x'):
       * score = (mean_f - x') / var, mean_b = mean_f - var score dt */
      double mean_f = x[i] + (mu - x[i]) * rate;
      double xn = mean_f + noise * z[i];
      double rf = xn - mean_f;
      double rb = rf - rf * dt;
      elbo[i] += (rf * rf - rb * rb) * half_inv_var;
      x[i] = xn;
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (c->x_out) c->x_out[first + i] = x[i];
    if (c->elbo_out) c->elbo_out[first + i] = elbo[i];
  }
  return DMC_OK;
}

int dmc_langevin_run(const dmc_langevin *p, double x0, size_t ntrials, size_t nsteps,
                     uint64_t seed, unsigned nthreads, double *x_out, double *elbo_out)
{
  int ok = p && isfinite(x0) && isfinite(p->mu) && isfinite(p->sigma) && p->sigma > 0 &&
           isfinite(p->tau) && p->tau > 0 && isfinite(p->dt) && p->dt > 0 &&
           nthreads >= 1 && nthreads <= DMC_MAX_THREADS && ntrials <= DMC_N_MAX;
  if (!ok) {
    nan_fill(ntrials, x_out);
    nan_fill(ntrials, elbo_out);
    return DMC_EDOM;
  }
  run_ctx c = { p->mu, p->tau, p->sigma * p->sigma, p->dt, x0, ntrials, nsteps, x_out, elbo_out };
  size_t nblocks = (ntrials + DMC_LANGEVIN_BLOCK - 1) / DMC_LANGEVIN_BLOCK;
  int st = dmc_run_blocks(nblocks, nthreads, seed, run_block, &c);
  if (st == DMC_OK && (checked_n(ntrials, x_out) || checked_n(ntrials, elbo_out))) st = DMC_ERANGE;
  if (st != DMC_OK) {                    /* a chain that diverged (or no memory) */
    nan_fill(ntrials, x_out);
    nan_fill(ntrials, elbo_out);
  }
  return st;
}
