/* dmcheck.h -- the one public header of libdmcheck.
 *
 * Read from the top: conventions, status codes and limits, the types, the
 * common tools (ULP distance, random streams, a fast normal generator), then
 * the library functions of derivations D1 to D8 in order.
 *
 * Conventions (GSL's _e style):
 *   - Every function returns an int status: DMC_OK (0) or a DMC_E* code.
 *   - Results come back through pointers.
 *   - Invalid parameters (sigma <= 0, a non-finite argument, a covariance that is
 *     not positive definite, a NULL pointer) give DMC_EDOM and store NaN in
 *     every output that is not NULL (all of its entries, for an array output
 *     of known length). Nothing aborts and nothing prints.
 *   - A result that cannot be represented although the arguments lie in the
 *     domain (an overflow of an intermediate or of the result where the
 *     function does not document +-inf) gives DMC_ERANGE, with NaN outputs.
 *     DMC_OK never comes with a NaN output.
 *   - Array lengths n (and n*n for a matrix) above DMC_N_MAX describe no
 *     array that can exist: DMC_EDOM, and no array element is written
 *     (scalar outputs still get NaN).
 *   - The library holds no global mutable state; random state lives in an
 *     explicit generator passed by the caller.
 * Link with pkg-config's dmcheck (which requires gsl: this header uses
 * gsl_rng). */
#ifndef DMCHECK_H
#define DMCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Exported symbols of the shared library (everything else is hidden). */
#if defined(__GNUC__) || defined(__clang__)
#define DMC_API __attribute__((visibility("default")))
#else
#define DMC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * Status codes and limits
 * ====================================================================== */
enum {
  DMC_OK = 0,
  DMC_EDOM = 1,    /* argument outside the documented domain */
  DMC_ENOMEM = 2,  /* allocation failed */
  DMC_ERANGE = 3   /* result or an intermediate not representable (overflow) */
};

/* The largest array length (in elements) any function accepts: no array of
 * doubles can have more elements than PTRDIFF_MAX / sizeof(double). */
#define DMC_N_MAX ((size_t)(PTRDIFF_MAX / sizeof(double)))

/* Short English text for a status code; never NULL. */
DMC_API const char *dmc_strerror(int status);

/* ======================================================================
 * Types (documented with the functions that use them)
 * ====================================================================== */
/* D2: how mixture weights are given: w_k >= 0 (not necessarily normalised,
 * subnormal allowed, at least one > 0), or log w_k in [-inf, DBL_MAX] (at
 * least one finite). */
typedef enum { DMC_WEIGHTS_LINEAR = 0, DMC_WEIGHTS_LOG = 1 } dmc_weights;

/* D4: Monte Carlo DSM and ESM losses and their difference, each with its
 * standard error. */
typedef struct { double dsm, dsm_se, esm, esm_se, diff, diff_se; } dmc_dsm_mc;

/* D5: document 001's Langevin demo parameters. */
typedef struct { double mu, sigma, tau, dt; } dmc_langevin;

/* D6: a linear forward SDE (kind DMC_SDE_OU or DMC_SDE_VP, parameters p0..p2). */
enum { DMC_SDE_OU = 1, DMC_SDE_VP = 2 };
typedef struct { int kind; double p0, p1, p2; } dmc_sde;
/* D6: Gaussian-mixture data sum_i w_i N(mu_i, var_i), i < n. */
typedef struct { size_t n; const double *w, *mu, *var; } dmc_mixture;
/* D6: a pluggable score s(t, x) ~ grad_x log p_t(x) and an initial-value
 * drawer; ctx is the caller's. */
typedef int (*dmc_score_fn)(void *ctx, double t, double x, double *score);
typedef int (*dmc_init_fn)(void *ctx, gsl_rng *r, double *x);
/* D6: the exact mixture score's context, and the exact-draw context. */
typedef struct { dmc_sde sde; dmc_mixture data; } dmc_exact_score;
typedef struct { dmc_sde sde; dmc_mixture data; double t; } dmc_mixture_at;
/* D6: samplers. */
enum { DMC_EM_FORWARD = 1, DMC_EM_REVERSE = 2, DMC_HEUN_FLOW = 3 };
typedef struct {
  const dmc_sde *sde;
  int method;
  double t0, t1;
  size_t nsteps;
  dmc_score_fn score; void *score_ctx;
  dmc_init_fn init; void *init_ctx;
} dmc_sampler;

/* D7: the linear-Gaussian chain. Forward (VP) noising q(x_t | x_{t-1}) =
 * N(lambda_t x_{t-1}, 1 - lambda_t^2), 0 < lambda_t < 1, t = 1..T; generative
 * model p(x_T) = N(mT, vT) and reverse kernels p(x_{t-1} | x_t) =
 * N(a_t x_t + b_t, c_t), c_t > 0. Arrays hold t = 1..T at index t-1. */
typedef struct {
  size_t T;
  const double *lambda, *a, *b, *c;
  double mT, vT;
} dmc_lgc;

/* D8: beta schedules and prediction parameterisations. */
enum { DMC_SCHED_LINEAR, DMC_SCHED_SCALED_LINEAR, DMC_SCHED_QUADRATIC, DMC_SCHED_SIGMOID,
       DMC_SCHED_COSINE };
enum { DMC_PARAM_EPS, DMC_PARAM_X0, DMC_PARAM_V, DMC_PARAM_SCORE };

/* Common: a block of Monte Carlo work (dmc_run_blocks) and the state of the
 * fast normal generator: each draw takes one word of s; the rare slow path
 * (tail, wedge test, rejection) takes its bits from aux, which is s after
 * xoshiro's long jump (2^192 draws). Four lanes: dmc_normal4_gen. */
typedef int (*dmc_block_fn)(void *ctx, size_t block, gsl_rng *r);
typedef struct { uint64_t s[4], aux[4]; } dmc_normal_gen;
typedef struct { dmc_normal_gen lane[4]; } dmc_normal4_gen;
/* Code paths of the vectorised kernels: the path chooses the code, never the
 * result (every path gives the same bits). */
enum { DMC_SIMD_AUTO = 0, DMC_SIMD_PORTABLE = 1, DMC_SIMD_AVX2 = 2 };

/* ======================================================================
 * Common tools (src/ulp.c, src/rng.c, src/normal.c)
 * ====================================================================== */
/* Number of doubles strictly between a and b, plus one (0 if a == b; -0 and
 * +0 are equal; +-inf count as the doubles after +-DBL_MAX). Two NaNs are 0
 * apart; a NaN and a number are infinitely far apart. */
DMC_API double dmc_ulp_distance(double a, double b);

/* Explicit random streams (src/rng.c). Stream k of master seed s is a GSL
 * gsl_rng_mt19937 generator seeded with dmc_stream_key(s, k). The key lies in
 * [1, 2^31] and is injective in k for fixed s (k < DMC_STREAM_MAX), so no two
 * streams of one run share a seed. A Monte Carlo result that draws trial (or
 * block) k only from stream k is independent of thread count and order. */
#define DMC_STREAM_MAX 0x80000000u
/* The 32-bit seed given to gsl_rng_set; 0 if stream >= DMC_STREAM_MAX. */
DMC_API unsigned long dmc_stream_key(uint64_t seed, uint64_t stream);
/* A new mt19937 generator (free with gsl_rng_free); NULL when out of memory. */
DMC_API gsl_rng *dmc_stream_alloc(void);
/* Re-seeds r as stream `stream` of master seed `seed`. DMC_EDOM if r is NULL
 * or stream >= DMC_STREAM_MAX. */
DMC_API int dmc_stream_seed(gsl_rng *r, uint64_t seed, uint64_t stream);
/* A dmc_block_fn works on block b (0 <= b < nblocks) with r already seeded
 * as stream b of seed; it writes results only to block-indexed storage in
 * ctx and returns DMC_OK or an error code. */
/* Runs fn on every block with nthreads POSIX threads (1..DMC_MAX_THREADS;
 * block b goes to thread b mod nthreads, each thread owns one generator).
 * Returns DMC_OK, DMC_EDOM (bad arguments), DMC_ENOMEM, or the status of the
 * lowest-numbered failing block. Deterministic for any nthreads. */
#define DMC_MAX_THREADS 64
DMC_API int dmc_run_blocks(size_t nblocks, unsigned nthreads, uint64_t seed,
                           dmc_block_fn fn, void *ctx);

/* A fast standard normal generator (src/normal.c, dmc_normal_gen):
 * xoshiro256++ bits and Doornik's exact ziggurat (ZIGNOR, 1024 layers). The
 * state is a plain object; seed it (e.g. from a block's stream) before use. */
DMC_API void dmc_normal_seed(dmc_normal_gen *g, uint64_t seed);
DMC_API double dmc_normal_draw(dmc_normal_gen *g);
DMC_API void dmc_normal_fill(dmc_normal_gen *g, size_t n, double *out);
/* Four independent lanes of that generator: lane 0 is dmc_normal_seed(seed),
 * lane l+1 is lane l after xoshiro256++'s jump (2^128 draws), so the streams
 * never overlap. dmc_normal4_fill writes ngroups x 4 draws, out[4k + l] from
 * lane l. DMC_SIMD_AUTO takes AVX2 when the CPU has it; a forced path the CPU
 * lacks returns DMC_EDOM (out untouched). */
DMC_API int dmc_simd_available(int path); /* 1 if the path can run here, else 0 */
DMC_API void dmc_normal4_seed(dmc_normal4_gen *g, uint64_t seed);
DMC_API int dmc_normal4_fill(dmc_normal4_gen *g, size_t ngroups, double *out, int path);

/* ======================================================================
 * D1. Gaussian log-density and score (src/gauss.c)
 * ======================================================================
 * Domain: mu, x finite; sigma finite and > 0 (subnormal sigma is allowed).
 * logpdf(x) = -log(sigma) - log(2 pi)/2 - ((x - mu)/sigma)^2 / 2
 * score(x)  = (mu - x) / sigma^2
 * Both are evaluated in double-double arithmetic and rounded once, so they
 * stay accurate for |x - mu|/sigma up to the overflow threshold, near the
 * zeros of the log-density, and for sigma near the subnormal range.
 * Overflowing results are returned as +-inf with DMC_OK (the correctly
 * rounded value). */
DMC_API int dmc_gauss_logpdf(double x, double mu, double sigma, double *logpdf);
DMC_API int dmc_gauss_score(double x, double mu, double sigma, double *score);

/* Diagonal covariance N(mu, diag(var)), dimension n >= 1; var[i] > 0. */
DMC_API int dmc_gauss_diag_logpdf(size_t n, const double *x, const double *mu,
                                  const double *var, double *logpdf);
DMC_API int dmc_gauss_diag_score(size_t n, const double *x, const double *mu,
                                 const double *var, double *score);

/* Full covariance N(mu, Sigma); Sigma is n x n row-major, symmetric positive
 * definite. Factorised with GSL's modified Cholesky (gsl_linalg_mcholesky);
 * a matrix that needs any perturbation to become positive definite is
 * rejected with DMC_EDOM. score = Sigma^{-1} (mu - x). A logpdf or score
 * that overflows (or whose solve overflows) gives DMC_ERANGE and NaN. */
DMC_API int dmc_gauss_full_logpdf(size_t n, const double *x, const double *mu,
                                  const double *cov, double *logpdf);
DMC_API int dmc_gauss_full_score(size_t n, const double *x, const double *mu,
                                 const double *cov, double *score);

/* ======================================================================
 * D2. Tweedie's formula (src/tweedie.c)
 * ====================================================================== */
/* Forward model x_t = mu_t x + sigma_t eps, eps ~ N(0, 1), p_t the marginal of x_t.
 *
 * dmc_tweedie_mean: the Tweedie denoiser E[x | x_t] = (x_t + sigma_t^2 score) / mu_t
 *   for a given score = d/dx_t log p_t(x_t).
 *   Domain: x_t, score finite; mu_t finite and != 0; sigma_t finite and > 0.
 *   x_t + sigma_t^2 score is summed exactly (fma products, an error-free
 *   expansion) with power-of-two scaling, divided in double-double and rounded
 *   once: correctly rounded except within ~2^-104 of a tie, whatever the
 *   cancellation; no intermediate overflows; an overflowing result is +-inf
 *   with DMC_OK.
 * dmc_tweedie_var: the second-order form Var[x | x_t] = (sigma_t^2/mu_t^2)
 *   (1 + sigma_t^2 dscore), dscore = d^2/dx_t^2 log p_t(x_t).
 *   Domain: as above with dscore finite and 1 + sigma_t^2 dscore >= 0 (every
 *   log-marginal satisfies this; a smaller dscore gives DMC_EDOM). Same exact
 *   summation of 1 + sigma_t^2 dscore, one rounding. */
DMC_API int dmc_tweedie_mean(double x_t, double mu_t, double sigma_t, double score, double *mean);
DMC_API int dmc_tweedie_var(double mu_t, double sigma_t, double dscore, double *var);


/* Gaussian-mixture prior x ~ sum_k w_k N(m_k, s_k^2), k = 0..n-1, n >= 1,
 * weights of kind dmc_weights.
 * The marginal is p_t = sum_k w_k N(mu_t m_k, v_k), v_k = mu_t^2 s_k^2 + sigma_t^2.
 * dmc_gmix_score: d/dx_t log p_t(x_t) = sum_k r_k (mu_t m_k - x_t)/v_k with
 *   r_k = softmax_k(log w_k - log(v_k)/2 - (x_t - mu_t m_k)^2/(2 v_k)).
 * dmc_gmix_mean: E[x | x_t] = sum_k r_k (sigma_t^2 m_k + mu_t s_k^2 x_t)/v_k, the
 *   posterior-mixture form of Tweedie's formula (no cancellation at high noise).
 * Domain: x_t, mu_t (0 allowed: the posterior is the prior), m_k finite;
 *   s_k finite and >= 0 (0: a point mass); sigma_t finite and > 0; weights as
 *   above. Range: |x_t|, |mu_t m_k|, |mu_t| s_k <= 2^500 sigma_t, else DMC_ERANGE
 *   and NaN. The log-sum-exp is evaluated in double-double (log, exp and the
 *   sums), so far-apart components (any distance within the range) and weights
 *   down to the smallest subnormal never overflow, underflow to 0/0 or NaN. */
DMC_API int dmc_gmix_score(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                           const double *m, const double *s, dmc_weights kind, double *score);
DMC_API int dmc_gmix_mean(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                          const double *m, const double *s, dmc_weights kind, double *mean);

/* Uniform prior on [a, b]: p_t(x_t) = (Phi(beta) - Phi(alpha)) / (|mu_t| (b - a)) with
 * alpha = (x_t - max(mu_t a, mu_t b))/sigma_t, beta = (x_t - min(mu_t a, mu_t b))/sigma_t.
 * dmc_unif_score: d/dx_t log p_t = (phi(beta) - phi(alpha)) / (sigma_t (Phi(beta) - Phi(alpha))).
 *   Evaluated with Mills-ratio (scaled erfc / continued fraction) forms and
 *   Gauss-Legendre quadrature where the difference of Phi's would cancel, so it
 *   stays accurate in both tails and for intervals narrow against sigma_t.
 *   Domain: all arguments finite, a < b, mu_t != 0, sigma_t > 0; mu_t a, mu_t b,
 *   x_t - mu_t a and x_t - mu_t b must not overflow, nor their quotients by
 *   sigma_t (else DMC_ERANGE, NaN). */
DMC_API int dmc_unif_score(double x_t, double mu_t, double sigma_t, double a, double b, double *score);

/* ======================================================================
 * D3. Posterior score and the DPS approximation (src/dps.c)
 * ====================================================================== */
/* Linear-Gaussian inverse problem: prior x_0 ~ N(m, s^2) (N(m, S)), forward
 * x_t = mu_t x_0 + sigma_t eps, observation y = a x_0 + N(0, sigma_y^2)
 * (y = A x_0 + N(0, R)). With v = mu_t^2 s^2 + sigma_t^2, the posterior mean
 * xhat = (sigma_t^2 m + mu_t s^2 x_t)/v, its derivative J = mu_t s^2/v and
 * the posterior variance c = sigma_t^2 s^2/v:
 * dmc_dps_score_exact: d/dx_t log p(y | x_t) = J a (y - a xhat)/(sigma_y^2 + a^2 c),
 *   the exact likelihood score (p(y | x_t) = N(y; a xhat, sigma_y^2 + a^2 c)).
 * dmc_dps_score_dps: J a (y - a xhat)/sigma_y^2, the gradient of DPS's
 *   log N(y; a xhat(x_t), sigma_y^2) through xhat (what autodiff computes).
 * dmc_dps_ratio: exact / dps = sigma_y^2 v/(sigma_y^2 v + a^2 sigma_t^2 s^2)
 *   (independent of x_t, y, m).
 *   Domain: all arguments finite; mu_t != 0; sigma_t >= 0; s > 0; sigma_y > 0.
 *   Evaluated in binary128 pairs (~2^-220 per operation, no intermediate
 *   overflow or underflow), rounded once: correctly rounded unless
 *   y - a xhat cancels by more than ~2^-160 relative. Overflow gives +-inf
 *   with DMC_OK.
 * dmc_dps_score_exact_mv / dmc_dps_score_dps_mv: the same in R^n with k
 *   observations: J^T A^T Gamma^{-1} (y - A xhat) with Gamma = R + A C A^T
 *   (exact) or R (DPS), J = mu_t S V^{-1}, C = sigma_t^2 S V^{-1},
 *   V = mu_t^2 S + sigma_t^2 I. S (n x n), A (k x n), R (k x k) row-major;
 *   S and R symmetric positive definite (GSL modified Cholesky needing no
 *   perturbation). Solves refined twice with double-double residuals; all
 *   products in double-double; entries must keep intermediate products in
 *   double's range (else DMC_ERANGE). score[n]; DMC_EDOM (NaN in score) on
 *   bad input, DMC_ENOMEM on allocation failure (NaN in score). */
DMC_API int dmc_dps_score_exact(double x_t, double y, double mu_t, double sigma_t, double m, double s,
                                double a, double sigma_y, double *score);
DMC_API int dmc_dps_score_dps(double x_t, double y, double mu_t, double sigma_t, double m, double s,
                              double a, double sigma_y, double *score);
DMC_API int dmc_dps_ratio(double mu_t, double sigma_t, double s, double a, double sigma_y, double *ratio);
DMC_API int dmc_dps_score_exact_mv(size_t n, size_t k, const double *x_t, const double *y, double mu_t,
                                   double sigma_t, const double *m, const double *S, const double *A,
                                   const double *R, double *score);
DMC_API int dmc_dps_score_dps_mv(size_t n, size_t k, const double *x_t, const double *y, double mu_t,
                                 double sigma_t, const double *m, const double *S, const double *A,
                                 const double *R, double *score);

/* ======================================================================
 * D4. Linear denoising score matching (src/dsm.c)
 * ====================================================================== */
/* Data x ~ N(mu, sigma^2), x~ = x + eps, eps ~ N(0, sigma_eps^2); model
 * s(x~) = w x~ + b; DSM target g = grad_x~ log q(x~|x) = -eps / sigma_eps^2.
 * Domain: mu, w, b finite; sigma, sigma_eps finite and > 0. */
/* The DSM optimum: w* = -1/(sigma^2 + sigma_eps^2), b* = mu/(sigma^2 + sigma_eps^2)
 * (the score of the perturbed marginal N(mu, sigma^2 + sigma_eps^2)).
 * Double-double with exponent scaling, one rounding per output. */
DMC_API int dmc_dsm_linear_optimum(double mu, double sigma, double sigma_eps, double *w, double *b);
/* Closed-form losses (double-double, one rounding; accurate while the squared
 * terms stay inside the double range):
 *   DSM: E(s(x~) - g)^2 = (w mu + b)^2 + w^2 sigma^2 + (w sigma_eps^2 + 1)^2 / sigma_eps^2
 *   ESM: E(s(x~) - (mu - x~)/v)^2 = (w mu + b)^2 + (w v + 1)^2 / v,  v = sigma^2 + sigma_eps^2 */
DMC_API int dmc_dsm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *loss);
DMC_API int dmc_esm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *loss);
/* DSM - ESM, the same for every (w, b): sigma^2 / (sigma_eps^2 (sigma^2 + sigma_eps^2)). */
DMC_API int dmc_dsm_loss_constant(double sigma, double sigma_eps, double *c);
/* n draws of (x~, g) from the generator r. */
DMC_API int dmc_dsm_sample(double mu, double sigma, double sigma_eps, size_t n, gsl_rng *r,
                           double *xt, double *target);
/* Monte Carlo DSM and ESM losses and their difference from the same n >= 2
 * draws, each with its standard error (dmc_dsm_mc). */
DMC_API int dmc_dsm_loss_mc(double mu, double sigma, double sigma_eps, double w, double b,
                            size_t n, gsl_rng *r, dmc_dsm_mc *out);
/* Least-squares fit of target on (x~, 1) over n >= 3 samples (gsl_fit_linear).
 * DMC_EDOM if x~ is constant or a value is not finite. */
DMC_API int dmc_dsm_linear_fit(size_t n, const double *xt, const double *target, double *w, double *b);
/* SGD on the per-sample DSM loss from (w, b) = (0, 0) with constant step eta
 * for iters >= 2 steps; returns the average of the last iters - iters/2
 * iterates (Polyak-Ruppert). DMC_ERANGE (NaN outputs) if the iterates diverge. */
DMC_API int dmc_dsm_sgd(double mu, double sigma, double sigma_eps, double eta, size_t iters,
                        gsl_rng *r, double *w, double *b);

/* ======================================================================
 * D5. Forward process and the Langevin sampler (src/langevin.c)
 * ====================================================================== */
/* Document 001's Langevin demo, vectorised over trials (src/langevin.c):
 * x <- x + (mu - x) / (tau sigma^2) dt + sqrt(2 dt / tau) z,
 * z standard normal (dmc_normal4_gen), and per step the demo's
 * elbo <- elbo + logProbBackward(x, x') - logProbForward(x, x').
 * Trials are cut into blocks of DMC_LANGEVIN_BLOCK; block k draws only from a
 * dmc_normal4_gen seeded from stream k of seed (dmc_run_blocks), trial 4j + l
 * of the block from lane l, so the output is bit-identical for every
 * nthreads. x_out and elbo_out get ntrials entries (either may be NULL).
 * Domain: sigma, tau, dt > 0, x0 and mu finite, 1 <= nthreads <=
 * DMC_MAX_THREADS. */
#define DMC_LANGEVIN_BLOCK 64
DMC_API int dmc_langevin_run(const dmc_langevin *p, double x0, size_t ntrials, size_t nsteps,
                             uint64_t seed, unsigned nthreads, double *x_out, double *elbo_out);
/* The same with the code path chosen (DMC_SIMD_*; output identical for every
 * path; DMC_EDOM with NaN outputs for a path the CPU lacks). */
DMC_API int dmc_langevin_run_path(const dmc_langevin *p, double x0, size_t ntrials, size_t nsteps,
                                  uint64_t seed, unsigned nthreads, int path, double *x_out, double *elbo_out);

/* ======================================================================
 * D6. Forward/reverse SDEs and samplers (src/sde.c)
 * ====================================================================== */
/* Linear forward SDEs dx = f(x,t) dt + g(t) dW (dmc_sde).
 *   OU (p0 = theta > 0, p1 = m, p2 = s > 0; any t >= 0):
 *     f = theta (m - x), g = s.
 *   VP (p0 = beta_min > 0, p1 = beta_max > 0, p2 unused; 0 <= t <= 1):
 *     beta(t) = beta_min + t (beta_max - beta_min), f = -beta(t) x / 2,
 *     g = sqrt(beta(t)).
 * Marginal of the forward SDE: x_t | x_0 ~ N(a x_0 + b, sd^2) with
 *   OU: a = exp(-theta t), b = m (1 - a), sd^2 = s^2 (1 - a^2) / (2 theta);
 *   VP: B = beta_min t + (beta_max - beta_min) t^2 / 2, a = exp(-B/2), b = 0,
 *       sd^2 = 1 - exp(-B). */
DMC_API int dmc_sde_drift(const dmc_sde *sde, double t, double x, double *f);
DMC_API int dmc_sde_diffusion(const dmc_sde *sde, double t, double *g);
DMC_API int dmc_sde_marginal(const dmc_sde *sde, double t, double *a, double *b, double *sd);

/* Gaussian-mixture data p_0 = sum_i w_i N(mu_i, var_i), n >= 1 components,
 * w_i >= 0 (normalised by their sum > 0), var_i > 0. Its forward marginal p_t
 * is the mixture of N(a mu_i + b, a^2 var_i + sd^2). These are evaluated in
 * double (log-sum-exp); where that under- or overflows to 0/0 or inf - inf
 * (e.g. var_i near DBL_MAX) the result is DMC_ERANGE with NaN. */
DMC_API int dmc_mixture_marginal_score(const dmc_sde *sde, const dmc_mixture *data, double t,
                                       double x, double *score);
DMC_API int dmc_mixture_marginal_cdf(const dmc_sde *sde, const dmc_mixture *data, double t,
                                     double x, double *cdf);
DMC_API int dmc_mixture_marginal_pdf(const dmc_sde *sde, const dmc_mixture *data, double t,
                                     double x, double *pdf);
/* One exact draw from p_t (component by weight, then a Gaussian). */
DMC_API int dmc_mixture_marginal_draw(const dmc_sde *sde, const dmc_mixture *data, double t,
                                      gsl_rng *r, double *x);

/* The exact score of the mixture marginal; ctx is a dmc_exact_score. */
DMC_API int dmc_exact_score_fn(void *ctx, double t, double x, double *score);
/* An initial-value drawer for dmc_sde_sample: exact draws from p_t of the
 * mixture; ctx is a dmc_mixture_at. */
DMC_API int dmc_mixture_init_fn(void *ctx, gsl_rng *r, double *x);

/* One path, advancing *x in place from time t0 to t1 in nsteps equal steps
 * h = |t1 - t0| / nsteps, with z ~ N(0,1) from gsl_ran_gaussian_ziggurat(r, 1):
 *   DMC_EM_FORWARD (t1 > t0): x += f(x,t) h + g(t) sqrt(h) z;
 *   DMC_EM_REVERSE (t1 < t0): x += -[f(x,t) - g(t)^2 s(t,x)] h + g(t) sqrt(h) z;
 *   DMC_HEUN_FLOW  (t1 < t0, no randomness, r may be NULL): Heun's method for
 *     dx/dt = F(x,t) = f(x,t) - g(t)^2 s(t,x) / 2 run backwards:
 *     y = x - h F(x,t), x -= h [F(x,t) + F(y,t-h)] / 2.
 * score is unused (may be NULL) for DMC_EM_FORWARD. */
DMC_API int dmc_sde_path(const dmc_sde *sde, int method, double t0, double t1, size_t nsteps,
                         dmc_score_fn score, void *score_ctx, gsl_rng *r, double *x);

/* Monte Carlo: out[i] for i < n is one path started from init's draw.
 * Sample i belongs to block i / DMC_SAMPLE_BLOCK, and block b draws (init,
 * then path, sample by sample) only from stream b of seed (dmc_run_blocks),
 * so out is bit-identical for every nthreads in 1..DMC_MAX_THREADS.
 * On any error (DMC_EDOM, DMC_ENOMEM, DMC_ERANGE for a path that overflowed,
 * or a status returned by init/score) every out[i] is NaN; 1 <= n <=
 * DMC_N_MAX. */
#define DMC_SAMPLE_BLOCK 256
DMC_API int dmc_sde_sample(const dmc_sampler *s, size_t n, unsigned nthreads, uint64_t seed,
                           double *out);

/* ======================================================================
 * D7. Gaussian KL, likelihoods, ELBO (src/elbo.c)
 * ====================================================================== */
/* KL(N(mu1, e^logvar1) || N(mu2, e^logvar2))
 *   = (expm1(d) - d + (mu1 - mu2)^2 e^-logvar2) / 2,  d = logvar1 - logvar2.
 * expm1(d) - d is summed as a series for small |d|, so the result keeps its
 * relative accuracy when the two distributions nearly coincide. Domain: all
 * arguments finite. Overflow gives +inf with DMC_OK. */
DMC_API int dmc_gauss_kl(double mu1, double logvar1, double mu2, double logvar2, double *out);
/* log N(x; mean, e^logvar) = -(log(2 pi) + logvar + (x - mean)^2 e^-logvar) / 2. */
DMC_API int dmc_gauss_loglik(double x, double mean, double logvar, double *out);
/* Ho et al. (2020) discretised Gaussian log-likelihood of 8-bit data: x is
 * one of the 256 levels 2k/255 - 1 (k = 0..255; checked to within 1e-9),
 * the bin of x is [x - 1/255, x + 1/255] with the end bins extended to
 * -inf (k = 0) and +inf (k = 255); result = log P(bin) under
 * N(mean, e^(2 log_scale)). Phi differences are taken on the tail side with
 * erfc (log-space in the far tails) and, for narrow bins, by a Hermite
 * series of the integral around the bin centre: no tanh approximation and no
 * cancellation. Domain: mean, log_scale finite. */
DMC_API int dmc_discretized_gaussian_loglik(double x, double mean, double log_scale, double *out);

/* The linear-Gaussian chain (dmc_lgc, 1 <= T < DMC_N_MAX). A closed form
 * whose double-double evaluation overflows gives DMC_ERANGE and NaN. */
/* log p(x_0) of the generative model (closed form, Gaussian marginal). */
DMC_API int dmc_lgc_log_evidence(const dmc_lgc *m, double x0, double *logp);
/* The ELBO E_q[log p(x_{0:T}) - log q(x_{1:T}|x_0)] in closed form, with its
 * terms: elbo = recon - kl_prior - sum_{t=2}^T kl[t-2], where
 *   kl_prior = KL(q(x_T|x_0) || p(x_T)),
 *   kl[t-2]  = E_{q(x_t|x_0)} KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)),
 *   recon    = E_{q(x_1|x_0)} log p(x_0|x_1).
 * kl_prior, kl (T-1 entries) and recon may be NULL. */
DMC_API int dmc_lgc_elbo(const dmc_lgc *m, double x0, double *elbo, double *kl_prior,
                         double *kl, double *recon);
/* The true reverse kernels q(x_{t-1}|x_t) and q(x_T) for data N(m0, v0):
 * fills a, b, c (T entries) and *mT, *vT; with them the ELBO equals log p(x_0). */
DMC_API int dmc_lgc_true_reverse(size_t T, const double *lambda, double m0, double v0,
                                 double *a, double *b, double *c, double *mT, double *vT);
/* Single-path Monte Carlo estimators of the ELBO for the path
 * x_t = lambda_t x_{t-1} + sqrt(1 - lambda_t^2) eps[t-1]:
 *   plain = log p(x_{0:T}) - log q(x_{1:T}|x_0);
 *   rb    = recon(x_1) - kl_prior - sum_{t=2}^T KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t))
 *           (Rao-Blackwellised: x_{t-1} integrated out given x_t, x_0).
 * Both have expectation dmc_lgc_elbo. The optional arrays (T+1 entries)
 * get the terms whose sums are plain and rb: [0] log p(x_0|x_1) (both);
 * [1] log p(x_T) - log q(x_T|x_0) resp. -KL(q(x_T|x_0) || p(x_T));
 * [t], t = 2..T, log p(x_{t-1}|x_t) - log q(x_{t-1}|x_t,x_0) resp. its
 * conditional expectation -KL(...) given x_t. Any output may be NULL. */
DMC_API int dmc_lgc_elbo_path(const dmc_lgc *m, double x0, const double *eps,
                              double *plain, double *rb, double *plain_terms, double *rb_terms);

/* ======================================================================
 * D8. Noise schedules, alphas_cumprod, log-SNR and parameterisations
 *     (src/schedule.c)
 * ====================================================================== */
/* Beta schedules (the definitions of reference/vectors/sched_*.csv; decimal
 * constants exact):
 *   LINEAR        beta_t = 1e-4 + (0.02 - 1e-4)(t-1)/(T-1)
 *   SCALED_LINEAR (sqrt(0.00085) + (sqrt(0.012) - sqrt(0.00085))(t-1)/(T-1))^2
 *   QUADRATIC     (sqrt(1e-4) + (sqrt(0.02) - sqrt(1e-4))(t-1)/(T-1))^2
 *   SIGMOID       1e-4 + (0.02 - 1e-4) / (1 + exp(-x)), x = -6 + 12(t-1)/(T-1)
 *   COSINE        min(1 - f(t/T)/f((t-1)/T), 0.999), f(u) = cos^2((u + 0.008)/1.008 pi/2),
 *                 evaluated as sin(d) sin((2T-2t+1) d) / sin^2((T-t+1) d),
 *                 d = 125 pi/(252 T), which has no cancellation.
 * beta[t-1] for t = 1..T (1 <= T <= 10^6). clipped (may be NULL) gets 1
 * where the cosine cap applied. On DMC_EDOM (including T > 10^6, T <=
 * DMC_N_MAX) beta gets T NaNs and clipped T zeros. */
DMC_API int dmc_sched_betas(int kind, size_t T, double *beta, unsigned char *clipped);

/* alphabar[i] = prod_{s<=i} (1 - beta[s]) and one_minus[i] = 1 - alphabar[i]
 * for i < n, in double-double; 1 - alphabar comes from the positive sum
 * sum_s beta_s alphabar_{s-1}, so it keeps full relative accuracy as
 * alphabar -> 1. Either output may be NULL (not both); 0 <= beta[i] <= 1.
 * On DMC_EDOM each non-NULL output gets n NaNs (n <= DMC_N_MAX). */
DMC_API int dmc_alphas_cumprod(size_t n, const double *beta, double *alphabar, double *one_minus);

/* log SNR = log(alphabar / one_minus) for alphabar, one_minus > 0 given
 * separately (pass the accurate 1 - alphabar, not 1 - alphabar rounded). */
DMC_API int dmc_log_snr(double alphabar, double one_minus, double *log_snr);

/* Parameterisation conversions for x_t = a x0 + s eps, a = sqrt(alphabar),
 * s = sqrt(1 - alphabar), v = a eps - s x0, score = -eps/s: the prediction
 * u of kind `from` becomes kind `to` (0 < alphabar < 1). Coefficients and
 * sums in double-double, so x_t - s eps and the like keep their accuracy
 * under cancellation. A result that overflows gives DMC_ERANGE (NaN). */
DMC_API int dmc_param_convert(int from, int to, double alphabar, double x_t, double u, double *out);

/* ---- D8b: the ideal denoiser of an empirical data set (src/empirical.c) ---- */
/* Data x0[0..n-1], each with mass 1/n, noised as q(x_t | x0) = N(alpha x0, s^2):
 *   x0hat = E[x0 | x_t] = sum_i w_i x0[i],  w_i = softmax_i(-(x_t - alpha x0[i])^2 / (2 s^2)).
 * Evaluated as dmc_gmix_mean with point masses and equal weights (double-double
 * log-sum-exp), so far-apart points never give 0/0. Domain and range as
 * dmc_gmix_mean (x_t, alpha, x0[i] finite, s > 0, n >= 1, x0 not NULL; DMC_ERANGE
 * beyond |x_t|, |alpha x0[i]| <= 2^500 s; DMC_EDOM for n > DMC_N_MAX); DMC_ENOMEM
 * if n zeros cannot be allocated. NaN in *x0hat on every error. */
DMC_API int dmc_empirical_denoiser(double x_t, double alpha, double s, size_t n, const double *x0,
                                   double *x0hat);
/* (end D8b) */

/* ======================================================================
 * D10. Exact Gaussian-mixture oracles for sampler checks (src/oracle.c)
 * ====================================================================== */
/* Forward processes x_t = alpha(t) x_0 + sigma(t) eps, eps ~ N(0, I) (dmc_proc):
 *   DMC_PROC_VP  (p0 = beta_min > 0, p1 = beta_max > 0; 0 <= t <= 1): the VP
 *     SDE of D6, B(t) = beta_min t + (beta_max - beta_min) t^2/2,
 *     alpha = exp(-B/2), sigma^2 = -expm1(-B).
 *   DMC_PROC_VE  (p0 = sigma_min, p1 = sigma_max, 0 < sigma_min <= sigma_max
 *     <= 2^200; 0 <= t <= 1): alpha = 1, sigma = sigma_min (sigma_max/sigma_min)^t
 *     (the VE SDE started from p_0 * N(0, sigma_min^2)).
 *   DMC_PROC_EDM (p0, p1 unused; 0 <= t <= 2^200): alpha = 1, sigma = t.
 * Data: the mixture sum_k w_k N(m_k, diag(S_k)) in R^d (dmc_gmm), 1 <= d <=
 * DMC_GMM_D_MAX, k >= 1 components, means k x d row-major, variances S_k > 0
 * given per component (DMC_GMM_ISO: k entries) or per coordinate (DMC_GMM_DIAG:
 * k x d), weights of kind dmc_weights (normalised by their sum).
 * Its marginal at t is sum_k w_k N(alpha m_k, diag(V_k)), V_k = alpha^2 S_k + sigma^2.
 * Evaluation: coefficients, logits and the log-sum-exp in double-double
 * (as dmc_gmix_score), so far-apart components, tiny weights and both ends of
 * the schedule (sigma = 0, alpha -> 0) neither overflow nor lose accuracy.
 * Arguments must keep |x|, |m|, V and (x - alpha m)^2/V inside 2^+-900, else
 * DMC_ERANGE with NaN outputs. Array outputs get NaN in every entry on error. */
#define DMC_GMM_D_MAX 64
enum { DMC_PROC_VP = 1, DMC_PROC_VE = 2, DMC_PROC_EDM = 3 };
typedef struct { int kind; double p0, p1; } dmc_proc;
enum { DMC_GMM_ISO = 0, DMC_GMM_DIAG = 1 };
typedef struct {
  size_t k, d;
  const double *w, *mean, *var;
  int cov;              /* DMC_GMM_ISO or DMC_GMM_DIAG */
  dmc_weights weights;
} dmc_gmm;

/* alpha(t) and sigma(t) of the process (either output may be NULL). */
DMC_API int dmc_proc_coef(const dmc_proc *p, double t, double *alpha, double *sigma);
/* The forward transition x_t | x_s ~ N(a x_s, var I) for s <= t:
 * a = alpha_t/alpha_s, var = sigma_t^2 - a^2 sigma_s^2 (formed without
 * cancellation: -expm1 of the B difference for VP, sigma_s^2 expm1 for VE,
 * (t - s)(t + s) for EDM). */
DMC_API int dmc_proc_transition(const dmc_proc *p, double s, double t, double *a, double *var);
/* log p_t(x), x in R^d. */
DMC_API int dmc_gmm_logpdf(const dmc_proc *p, const dmc_gmm *g, double t, const double *x,
                           double *logp);
/* score[d] = grad_x log p_t(x) = sum_k r_k (alpha m_k - x)/V_k, r_k the
 * posterior component probabilities at x. */
DMC_API int dmc_gmm_score(const dmc_proc *p, const dmc_gmm *g, double t, const double *x,
                          double *score);
/* x0[d] = E[x_0 | x_t = x] = sum_k r_k (sigma^2 m_k + alpha S_k x)/V_k (the
 * ideal denoiser; equal to Tweedie's (x + sigma^2 score)/alpha). */
DMC_API int dmc_gmm_denoise(const dmc_proc *p, const dmc_gmm *g, double t, const double *x,
                            double *x0);
/* mean[d] and cov[d*d] (row-major) of p_t: alpha mbar and
 * alpha^2 sum_k w_k (m_k - mbar)(m_k - mbar)^T + diag(sum_k w_k V_k); either
 * may be NULL (not both). */
DMC_API int dmc_gmm_moments(const dmc_proc *p, const dmc_gmm *g, double t, double *mean,
                            double *cov);
/* The exact law of x_s given x_t = x for s < t (the reverse conditional of
 * the forward process): the mixture sum_k exp(logw[k]) N(mean[k], diag(var[k]))
 * with logw[k] = log r_k(x) (normalised), and per component
 * var = P v / V_k, mean = (v alpha_s m_k + a P x)/V_k, where P = alpha_s^2 S_k +
 * sigma_s^2 and (a, v) the forward transition from s to t. logw[k], mean[k*d],
 * var[k*d]; any may be NULL (not all). */
DMC_API int dmc_gmm_posterior(const dmc_proc *p, const dmc_gmm *g, double s, double t,
                              const double *x, double *logw, double *mean, double *var);
/* The cdf of coordinate i < d of p_t at x: sum_k w_k Phi((x - alpha m_ki)/sqrt(V_ki))
 * (x - alpha m_ki in double-double, GSL's Phi, the smaller tail summed; absolute
 * error a few 1e-16). */
DMC_API int dmc_gmm_cdf(const dmc_proc *p, const dmc_gmm *g, double t, size_t i, double x,
                        double *cdf);
/* n exact draws from p_t into out[n*d] (row-major): a component by weight,
 * then alpha m_k + sqrt(V_k) z with z from gsl_ran_gaussian_ziggurat(r, 1). */
DMC_API int dmc_gmm_draw(const dmc_proc *p, const dmc_gmm *g, double t, gsl_rng *r, size_t n,
                         double *out);

/* The sampler check (src/sampler_check.c). A candidate sampler, run with the
 * exact oracle as its model for nsets step counts, gives sample sets whose
 * law should approach p_t of the target (t = the sampler's end time, 0 for
 * the data). Set s has n[s] rows of d coordinates (x[s], row-major) and was
 * made with nsteps[s] steps; paired = 1 says row i of every set started from
 * the same initial draw (common random numbers, e.g. ODE samplers).
 * Distribution tests on the set with the most steps, each at alpha/(3d+1)
 * (Bonferroni; alpha <= 1e-6 is the total false-alarm rate):
 *   - per-coordinate Kolmogorov-Smirnov against the exact mixture cdf (a
 *     weighted sum of GSL's normal cdf, absolute error a few 1e-16), with
 *     the Dvoretzky-Kiefer-Wolfowitz-Massart threshold sqrt(log(2/a)/(2n))
 *     (exact for any n);
 *   - per-coordinate mean and second moment against their exact values
 *     (z tests with the exact variances of x_i and x_i^2; normal approximation);
 *   - the Gaussian-kernel MMD^2 (bandwidth^2 = total variance of p_t) as a
 *     one-sample U-statistic of the first min(n, 600) rows against the exact
 *     mixture (closed-form kernel means), threshold sqrt(8 log(1/a)/n) from
 *     McDiarmid's inequality (valid for any n; conservative, so it has power
 *     only against gross errors).
 * Weak order from f(x) = |x|^2/d, whose exact mean is known: successive
 * differences D_s = fbar_s - fbar_{s+1} (set[s].diff, standard errors
 * set[s].diff_se, paired or not), a
 * weighted fit of log|D_s| against log nsteps over the (up to 3) differences
 * with the most steps that are significant at z = 5, the slope's interval at
 * z = 5 widened by 0.25 for the higher-order terms (order_lo..order_hi),
 * and the Richardson limit fbar_last - D_last/(r^p - 1) against the exact
 * value (z = 5). consistent = 1 when the last set passes every distribution
 * test, the limit test passes and the order interval contains `order` (or
 * fewer than two differences are significant: order_resolved = 0, and order,
 * order_lo, order_hi are NaN). A set whose |x|^2 overflows has infinite or
 * NaN statistics, fails its tests, and makes the verdict inconsistent. */
#define DMC_SAMPLER_SETS_MAX 32
typedef struct {
  size_t nsteps, n;
  double ks, ks_thr; size_t ks_coord;       /* largest KS statistic, its coordinate */
  double mean_z, m2_z, z_thr;                /* largest |z| of the means / second moments */
  double mmd2, mmd2_thr;
  double f_mean, f_se;                       /* fbar and its standard error */
  double diff, diff_se;                      /* fbar minus the next set's fbar, its standard
                                                error (paired or not); NaN for the last set */
  int pass;                                  /* every distribution test passed */
} dmc_sampler_set;
typedef struct {
  double alpha, f_exact;
  double order, order_lo, order_hi;          /* fitted weak order and its interval */
  int order_resolved, order_ok;
  double limit, limit_se; int limit_ok;      /* Richardson limit of fbar */
  int consistent;
  size_t nsig;                               /* significant differences used */
  dmc_sampler_set set[DMC_SAMPLER_SETS_MAX]; /* sorted by nsteps */
} dmc_sampler_report;
DMC_API int dmc_sampler_check(const dmc_proc *p, const dmc_gmm *g, double t, size_t nsets,
                              const size_t *nsteps, const size_t *n, const double *const *x,
                              int paired, double order, double alpha, dmc_sampler_report *rep);

#ifdef __cplusplus
}
#endif
#endif
