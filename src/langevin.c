/* langevin.c -- D7: document 001's Langevin demo over many trials, with the
 * demo's per-step "ELBO" accumulation (claims elbo.langevin.*, elbo.demo.*).
 * Trials are cut into blocks; block k draws only from stream k of the seed
 * (dmc_run_blocks, src/rng.c), so results do not depend on the thread count. */
#include "langevin_kernel.h"
#include "outputs.h"

#include <math.h>

typedef struct {
  double mu, tau, sigma2, dt, x0;
  size_t ntrials, nsteps;
  int path;
  double *x_out, *elbo_out;
} run_ctx;

/* The portable kernel: the AVX2 one's operations, lane by lane. */
static void block_portable(const dmc_lgv_coef *c, dmc_normal4_gen *g, size_t ngroups, size_t nsteps,
                           double *x, double *e)
{
  const double mu = c->mu, rate = c->rate, noise = c->noise, dt = c->dt, hiv = c->half_inv_var;
  for (size_t k = 0; k < nsteps; k++)
    for (size_t j = 0; j < ngroups; j++)
      for (int l = 0; l < 4; l++) {
        size_t i = 4 * j + (size_t)l;
        double z = dmc_zig_draw(&g->lane[l]);
        /* the demo's logProbBackward - logProbForward at (x, x'):
         * score = (mean_f - x') / var, mean_b = mean_f - var score dt */
        double mean_f = x[i] + (mu - x[i]) * rate;
        double xn = mean_f + noise * z;
        double rf = xn - mean_f;
        double rb = rf - rf * dt;
        e[i] += (rf * rf - rb * rb) * hiv;
        x[i] = xn;
      }
}

/* The block's 4-lane generator is seeded with 64 bits from the block's own
 * mt19937 stream, so the block still owns its stream; trials run step-major
 * in groups of 4 (the last group padded; the padding is discarded). */
static int run_block(void *vctx, size_t block, gsl_rng *stream)
{
  const run_ctx *c = vctx;
  dmc_normal4_gen gen;
  uint64_t key = (uint64_t)gsl_rng_get(stream) << 32;
  dmc_normal4_seed(&gen, key | (uint64_t)gsl_rng_get(stream));
  size_t first = block * DMC_LANGEVIN_BLOCK;
  size_t n = c->ntrials - first < DMC_LANGEVIN_BLOCK ? c->ntrials - first : DMC_LANGEVIN_BLOCK;
  const double var = 2 * c->dt / c->tau;                /* the demo's trans_var */
  const dmc_lgv_coef k = { c->mu, c->dt / (c->tau * c->sigma2), /* tau^-1 sigma^-2 dt */
                           sqrt(var),                           /* sqrt(2/tau * dt) */
                           c->dt, 0.5 / var };
  double x[DMC_LANGEVIN_BLOCK], elbo[DMC_LANGEVIN_BLOCK];
  for (size_t i = 0; i < DMC_LANGEVIN_BLOCK; i++) { x[i] = c->x0; elbo[i] = 0; }
  size_t ngroups = (n + 3) / 4;
#if DMC_HAVE_AVX2_PATH
  if (c->path == DMC_SIMD_AVX2) dmc_lgv_block_avx2(&k, &gen, ngroups, c->nsteps, x, elbo);
  else
#endif
    block_portable(&k, &gen, ngroups, c->nsteps, x, elbo);
  for (size_t i = 0; i < n; i++) {
    if (c->x_out) c->x_out[first + i] = x[i];
    if (c->elbo_out) c->elbo_out[first + i] = elbo[i];
  }
  return DMC_OK;
}

int dmc_langevin_run_path(const dmc_langevin *p, double x0, size_t ntrials, size_t nsteps,
                          uint64_t seed, unsigned nthreads, int path, double *x_out, double *elbo_out)
{
  int ok = p && isfinite(x0) && isfinite(p->mu) && isfinite(p->sigma) && p->sigma > 0 &&
           isfinite(p->tau) && p->tau > 0 && isfinite(p->dt) && p->dt > 0 &&
           nthreads >= 1 && nthreads <= DMC_MAX_THREADS && ntrials <= DMC_N_MAX && dmc_simd_available(path);
  if (!ok) {
    nan_fill(ntrials, x_out);
    nan_fill(ntrials, elbo_out);
    return DMC_EDOM;
  }
  if (path == DMC_SIMD_AUTO) path = dmc_simd_available(DMC_SIMD_AVX2) ? DMC_SIMD_AVX2 : DMC_SIMD_PORTABLE;
  run_ctx c = { p->mu, p->tau, p->sigma * p->sigma, p->dt, x0, ntrials, nsteps, path, x_out, elbo_out };
  size_t nblocks = (ntrials + DMC_LANGEVIN_BLOCK - 1) / DMC_LANGEVIN_BLOCK;
  int st = dmc_run_blocks(nblocks, nthreads, seed, run_block, &c);
  if (st == DMC_OK && (checked_n(ntrials, x_out) || checked_n(ntrials, elbo_out))) st = DMC_ERANGE;
  if (st != DMC_OK) {                    /* a chain that diverged (or no memory) */
    nan_fill(ntrials, x_out);
    nan_fill(ntrials, elbo_out);
  }
  return st;
}

int dmc_langevin_run(const dmc_langevin *p, double x0, size_t ntrials, size_t nsteps,
                     uint64_t seed, unsigned nthreads, double *x_out, double *elbo_out)
{
  return dmc_langevin_run_path(p, x0, ntrials, nsteps, seed, nthreads, DMC_SIMD_AUTO, x_out, elbo_out);
}
