/* elbo.c -- D7: Gaussian KL, Gaussian and discretised Gaussian
 * log-likelihoods, and the linear-Gaussian chain's ELBO (claims elbo.*).
 * The KL, the Gaussian log-likelihood and the chain's closed forms are
 * evaluated in double-double (ddmath.h, about 106 bits) and rounded once. The discretised likelihood needs erfc and
 * uses binary128 (_Float128: 113-bit significand, glibc's f128 functions). */
/* glibc declares the _Float128 functions (erfcf128, ...) only on request */
#define __STDC_WANT_IEC_60559_TYPES_EXT__ 1
#include "dmcheck.h"
#include "ddmath.h"
#include "outputs.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

/* binary128 (software floating point: exact and portable, also under
 * valgrind, whose x87 emulation has only 64-bit doubles) */
typedef dmc_quad wide;

#define LOG_PI_L 1.1447298858494001741434273513530587L
#define LOG_2PI_L 1.8378770664093454835606594728112353L
#define LN2_L 0.69314718055994530941723212145817657L
#define SQRT2_L 1.4142135623730950488016887242096981L

static int all_finite4(double a, double b, double c, double d)
{
  return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

static const dmc_dd DD_ONE = { 1.0, 0.0 };
static const dmc_dd DD_LN2 = { DMC_LN2_HI, DMC_LN2_LO };
static const dmc_dd DD_LOG_2PI = { 2 * DMC_HALF_LOG_2PI_HI, 2 * DMC_HALF_LOG_2PI_LO };

/* Sum of terms m_i 2^(e_i) (m_i dd, |m_i.hi| in [2^-60, 2^60] or 0) times
 * 2^shift, rounded once to double (overflow gives +-inf). */
static double dd_scaled_sum(int n, const dmc_dd *m, const int *e, int shift)
{
  int top = -100000;
  for (int i = 0; i < n; i++) if (m[i].hi != 0 && e[i] > top) top = e[i];
  if (top == -100000) return 0.0;
  dmc_dd sum = dd_from(0.0);
  for (int i = 0; i < n; i++) {
    if (m[i].hi == 0 || e[i] - top < -1000) continue;   /* below 2^-1000 of the largest */
    dmc_dd t = { ldexp(m[i].hi, e[i] - top), ldexp(m[i].lo, e[i] - top) };
    sum = dd_add(sum, t);
  }
  long total = (long)top + shift;
  if (total > 2000) return sum.hi > 0 ? INFINITY : sum.hi < 0 ? -INFINITY : 0.0;
  if (total < -2200) return 0.0 * sum.hi;
  return dd_ldexp(sum, (int)total);
}

/* expm1(d) - d for |d.hi| < 1/2: sum_{n>=2} d^n/n! by Horner (its terms
 * shrink by |d|/n: no cancellation; 28 terms reach 2^-110). */
static dmc_dd dd_expm1_minus_id_small(dmc_dd d)
{
  dmc_dd acc = dd_from(0.0);
  for (int n = 30; n >= 2; n--) acc = dd_mul(dd_add(acc, DD_ONE), dd_div_d(d, (double)n));
  return dd_mul(acc, d);
}

/* a as m 2^e with |m.hi| in [0.5, 1); e = 0 for a = 0 */
static dmc_dd dd_split(dmc_dd a, int *e)
{
  if (a.hi == 0) { *e = 0; return a; }
  double mh = frexp(a.hi, e);
  dmc_dd r = { mh, ldexp(a.lo, -*e) };
  return r;
}

/* a - b as m 2^e (dd_split form), without overflow: huge operands are
 * pre-scaled by 1/4 (exact for them; a tiny partner loses only bits far below
 * the difference's last). */
static dmc_dd dd_diff_split(double a, double b, int *e)
{
  int extra = 0;
  if (fabs(a) > 0x1p1020 || fabs(b) > 0x1p1020) { a *= 0.25; b *= 0.25; extra = 2; }
  dmc_dd d = dd_split(dd_two_sum(a, -b), e);
  if (d.hi != 0) *e += extra;
  return d;
}

int dmc_gauss_kl(double mu1, double logvar1, double mu2, double logvar2, double *out)
{
  if (!out) return DMC_EDOM;
  if (!all_finite4(mu1, logvar1, mu2, logvar2)) return nan_out(DMC_EDOM, out);
  /* KL = (A + B + C)/2 with A = e^d (or the series), B = -1 - d, C = dmu^2 e^-lv2 */
  dmc_dd m[3] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
  int e[3] = { 0, 0, 0 };
  if (logvar1 - logvar2 > 4000) { *out = INFINITY; return DMC_OK; }
  if (!isfinite(logvar1 - logvar2)) {
    /* d below -DBL_MAX: KL = (-d - 1)/2 + 0 (e^d and e^-logvar2 vanish) */
    *out = 0.5 * logvar2 - 0.5 * logvar1;
    return DMC_OK;
  }
  dmc_dd d = dd_two_sum(logvar1, -logvar2);
  if (fabs(d.hi) < 0.5) {
    m[0] = dd_split(dd_expm1_minus_id_small(d), &e[0]);
  } else {
    if (d.hi > -4000) m[0] = dd_exp_scaled(d, &e[0]);
    m[1] = dd_split(dd_sub(dd_neg(d), DD_ONE), &e[1]);
  }
  int ed;
  dmc_dd dms = dd_diff_split(mu1, mu2, &ed);
  if (dms.hi != 0 && logvar2 < 4000) {
    if (-logvar2 > 4000) { *out = INFINITY; return DMC_OK; }
    int ex;
    dmc_dd ex2 = dd_exp_scaled(dd_from(-logvar2), &ex);
    m[2] = dd_split(dd_mul(dd_mul(dms, dms), ex2), &e[2]);
    e[2] += 2 * ed + ex;
  }
  *out = dd_scaled_sum(3, m, e, -1);
  return checked1(out);
}

int dmc_gauss_loglik(double x, double mean, double logvar, double *out)
{
  if (!out) return DMC_EDOM;
  if (!isfinite(x) || !isfinite(mean) || !isfinite(logvar)) return nan_out(DMC_EDOM, out);
  /* -(log 2 pi + logvar + dm^2 e^-logvar)/2 */
  dmc_dd m[3];
  int e[3];
  m[0] = dd_split(DD_LOG_2PI, &e[0]);
  m[1] = dd_split(dd_from(logvar), &e[1]);
  m[2] = dd_from(0.0);
  e[2] = 0;
  int ed;
  dmc_dd dms = dd_diff_split(x, mean, &ed);
  if (dms.hi != 0 && logvar < 4000) {
    if (-logvar > 4000) { *out = -INFINITY; return DMC_OK; }
    int ex;
    dmc_dd ex2 = dd_exp_scaled(dd_from(-logvar), &ex);
    m[2] = dd_split(dd_mul(dd_mul(dms, dms), ex2), &e[2]);
    e[2] += 2 * ed + ex;
  }
  for (int i = 0; i < 3; i++) m[i] = dd_neg(m[i]);
  double r = dd_scaled_sum(3, m, e, -1);
  /* within 2^-45 of the largest term (near a zero), the dd sum's 2^-106
   * cannot give 1 ULP: redo it with binary128 pairs */
  if (m[2].hi != 0 && fabs(logvar) < 11000 && e[2] < 16000 && ed < 1020 &&
      fabs(r) < 0x1p-45 * fmax(fabs(logvar) + 2, ldexp(1.0, e[2] > 1000 ? 1000 : e[2]))) {
    dmc_qdd d = qdd_two_sum(x, -mean);
    dmc_qdd q = qdd_mul(qdd_mul(d, d), qdd_exp(-(wide)logvar));
    dmc_qdd ss = qdd_add(qdd_add(qdd_mul(qdd_half_log_2pi(), qdd_scalar(2)), qdd_scalar(logvar)), q);
    r = (double)(-0.5L * (ss.hi + ss.lo));
  }
  *out = r;
  return checked1(out);
}

/* log Q(z) = log P(N(0,1) > z) for any z. erfcl is used on the side where
 * it has no cancellation; from u = z/sqrt2 = 26 on (where a double erfc
 * would underflow) the asymptotic series of erfc, whose 8 terms reach 2e-21
 * relative there and less beyond. */
static wide log_q(wide z)
{
  if (z < 0) return log1pf128(-0.5L * erfcf128(-z / SQRT2_L));
  wide u = z / SQRT2_L;
  if (u < 26) return logf128(0.5L * erfcf128(u));
  wide w = 1 / (2 * u * u), term = 1, s1 = 0;
  for (int k = 1; k <= 8; k++) { term *= -(2 * k - 1) * w; s1 += term; }
  return -u * u - logf128(u) - 0.5L * LOG_PI_L + log1pf128(s1) - LN2_L;
}

/* log Q(z) for z = z.hi + z.lo: log Q(z.hi) plus the first-order term
 * -lambda(z.hi) z.lo, lambda = phi/Q the inverse Mills ratio. In the tails
 * log Q magnifies a relative error of z by about z^2, so the edges are
 * carried in dmc_qdd and the low part corrects here. */
static wide log_q_ldd(dmc_qdd z)
{
  wide l = log_q(z.hi);
  if (!isfinite(l) || !isfinite(z.hi) || z.lo == 0) return l;
  wide mills = expf128(-0.5L * z.hi * z.hi - 0.5L * LOG_2PI_L - l);
  return l - mills * z.lo;
}
static dmc_qdd ldd_neg(dmc_qdd a) { dmc_qdd r = { -a.hi, -a.lo }; return r; }

/* log(Phi(m + h) - Phi(m - h)) for a narrow bin (h <= 1/4, |m| h <= 1/4):
 * the integral of phi over the bin is 2 h phi(m) sum_k He_2k(m) h^2k / (2k+1)!
 * (Taylor expansion of phi around m, odd terms cancel). log_2h is log(2h),
 * passed separately so a huge scale cannot underflow h. */
static wide log_narrow_bin(wide m, wide h, wide log_2h)
{
  wide he_prev = 1, he = m, sum = 0, pw = 1; /* He_0, He_1 */
  for (int k = 1; k < 40; k++) {
    wide he2 = m * he - (2 * k - 1) * he_prev;  /* He_2k */
    wide he3 = m * he2 - (2 * k) * he;          /* He_2k+1 */
    pw *= h * h / ((2 * k) * (2 * k + 1));
    wide term = he2 * pw;
    sum += term;
    he_prev = he2;
    he = he3;
    if (qabs(term) <= 1e-24L) break;
  }
  return log_2h - 0.5L * LOG_2PI_L - 0.5L * m * m + log1pf128(sum);
}

/* k if x is within 1e-9 of the level 2k/255 - 1, else -1. */
static int grid_level(double x)
{
  if (!isfinite(x) || x < -1.0 - 1e-9 || x > 1.0 + 1e-9) return -1;
  double k = nearbyint((x + 1.0) * 127.5);
  return fabs(x - (2.0 * k / 255.0 - 1.0)) <= 1e-9 ? (int)k : -1;
}

int dmc_discretized_gaussian_loglik(double x, double mean, double log_scale, double *out)
{
  if (!out) return DMC_EDOM;
  int k = grid_level(x);
  if (k < 0 || !isfinite(mean) || !isfinite(log_scale)) return nan_out(DMC_EDOM, out);
  wide inv = expf128(-(wide)log_scale);
  wide centred = (wide)x - mean;
  /* the edges (x - mean -+ 1/255) e^-log_scale in dmc_qdd: 1/255 and e^-log_scale
   * to about 2^-120, x - mean exact */
  const wide w_hi = 1.0L / 255, w_lo = fmaf128(-w_hi, 255.0L, 1.0L) / 255;
  dmc_qdd inv2 = fabs(log_scale) < 11000 ? qdd_exp(-(wide)log_scale) : (dmc_qdd){ inv, 0 };
  dmc_qdd d = qdd_two_sum(x, -mean);
  dmc_qdd za = qdd_mul(qdd_add(d, (dmc_qdd){ -w_hi, -w_lo }), inv2);
  dmc_qdd zb = qdd_mul(qdd_add(d, (dmc_qdd){ w_hi, w_lo }), inv2);
  if (!isfinite(za.hi) || !isfinite(zb.hi)) {                /* overflowing scale */
    za = (dmc_qdd){ (centred - w_hi) * inv, 0 };
    zb = (dmc_qdd){ (centred + w_hi) * inv, 0 };
  }
  wide r;
  if (k == 0) {
    r = log_q_ldd(ldd_neg(zb));                         /* log Phi(zb) */
  } else if (k == 255) {
    r = log_q_ldd(za);                                  /* log (1 - Phi(za)) */
  } else {
    wide h = inv / 255, m = centred * inv;
    if (h <= 0.25L && qabs(m) * h <= 0.25L) {
      r = log_narrow_bin(m, h, logf128(2.0L / 255) - log_scale);
    } else if (za.hi >= 0 || zb.hi <= 0) {
      /* both edges on one side: Q(near) - Q(far) = Q(near) (1 - Q(far)/Q(near)) */
      wide lnear = za.hi >= 0 ? log_q_ldd(za) : log_q_ldd(ldd_neg(zb));
      wide lfar = za.hi >= 0 ? log_q_ldd(zb) : log_q_ldd(ldd_neg(za));
      r = isinf(lnear) ? lnear : lnear + logf128(-expm1l(lfar - lnear));
    } else {
      wide outside = expf128(log_q_ldd(ldd_neg(za))) + expf128(log_q_ldd(zb));
      r = log1pf128(-outside);                             /* outside <= 0.81 here */
    }
  }
  *out = (double)r;
  return checked1(out);
}

/* ---- the linear-Gaussian chain ------------------------------------------ */

static int valid_chain(const dmc_lgc *m, double x0)
{
  if (!m || m->T < 1 || m->T >= DMC_N_MAX || !m->lambda || !m->a || !m->b || !m->c || !isfinite(x0) ||
      !isfinite(m->mT) || !isfinite(m->vT) || !(m->vT > 0))
    return 0;
  for (size_t t = 0; t < m->T; t++)
    if (!(m->lambda[t] > 0 && m->lambda[t] < 1) || !isfinite(m->a[t]) || !isfinite(m->b[t]) ||
        !isfinite(m->c[t]) || !(m->c[t] > 0))
      return 0;
  return 1;
}

/* rho - log1p(rho) for rho > -1: the series rho^2/2 - rho^3/3 + ... for
 * |rho| < 1/4 (no cancellation), else rho - log(1 + rho). */
static dmc_dd dd_rho_minus_log1p(dmc_dd rho)
{
  if (fabs(rho.hi) < 0.25) {
    dmc_dd acc = dd_from(0.0);
    for (int n = 60; n >= 2; n--) {
      dmc_dd c = dd_div_d(DD_ONE, (double)n);
      acc = dd_sub(c, dd_mul(rho, acc));      /* 1/n - rho (1/(n+1) - ...) */
    }
    return dd_mul(dd_mul(rho, rho), acc);
  }
  return dd_sub(rho, dd_log(dd_add(DD_ONE, rho)));
}

/* KL(N(m1, v1) || N(m2, v2)) given v1, v2 and e2 = E (mean difference)^2. */
static dmc_dd kl_dd(dmc_dd v1, dmc_dd v2, dmc_dd e2)
{
  dmc_dd rho = dd_div(dd_sub(v1, v2), v2);
  return dd_mul_d(dd_add(dd_rho_minus_log1p(rho), dd_div(e2, v2)), 0.5);
}

/* 1 - lambda^2 */
static dmc_dd one_minus_sq(double l) { return dd_sub(DD_ONE, dd_two_prod(l, l)); }

int dmc_lgc_log_evidence(const dmc_lgc *m, double x0, double *logp)
{
  if (!logp) return DMC_EDOM;
  if (!valid_chain(m, x0)) return nan_out(DMC_EDOM, logp);
  /* backwards M <- a M + b, S <- a^2 S + c. |a_t| > 1 over many steps can
   * take both beyond the double range, so S = Sm 2^se and M = Mm 2^me with
   * me >= 0 raised whenever |Mm| passes 2^600. */
  dmc_dd Mm = dd_from(m->mT);
  int se, me = 0;
  dmc_dd Sm = dd_split(dd_from(m->vT), &se);
  for (size_t t = m->T; t >= 1; t--) {
    double a = m->a[t - 1];
    Mm = dd_add(dd_mul_d(Mm, a), dd_from(ldexp(m->b[t - 1], -me)));
    if (fabs(Mm.hi) > 0x1p600) {
      int e = ilogb(Mm.hi);
      Mm.hi = ldexp(Mm.hi, -e); Mm.lo = ldexp(Mm.lo, -e);
      me += e;
    }
    dmc_dd c = dd_from(ldexp(m->c[t - 1], -se));
    int e;
    Sm = dd_split(dd_add(dd_mul(dd_two_prod(a, a), Sm), c), &e);
    se += e;
  }
  /* -(log 2 pi + log S + (x0 - M)^2 / S) / 2 */
  int de;
  dmc_dd dm = dd_split(dd_sub(dd_from(ldexp(x0, -me)), Mm), &de);
  de += me;
  dmc_dd lg = dd_add(dd_add(DD_LOG_2PI, dd_log(Sm)), dd_mul_d(DD_LN2, (double)se));
  dmc_dd t[2];
  int e[2];
  t[0] = dd_split(lg, &e[0]);
  t[1] = dd_from(0.0);
  e[1] = 0;
  if (dm.hi != 0) { t[1] = dd_split(dd_div(dd_mul(dm, dm), Sm), &e[1]); e[1] += 2 * de - se; }
  t[0] = dd_neg(t[0]);
  t[1] = dd_neg(t[1]);
  *logp = dd_scaled_sum(2, t, e, -1);
  return checked1(logp);
}

/* The posterior q(x_{t-1} | x_t, x_0) = N(A x_0 + B x_t, vt), from the moments
 * abar, V of q(x_{t-1} | x_0). */
typedef struct { dmc_dd A, B, vt; } posterior;
static posterior step_posterior(dmc_dd abar_prev, dmc_dd V_prev, double l)
{
  dmc_dd s2 = one_minus_sq(l), V = dd_add(dd_mul(dd_two_prod(l, l), V_prev), s2);
  posterior p = { dd_div(dd_mul(abar_prev, s2), V), dd_div(dd_mul_d(V_prev, l), V),
                  dd_div(dd_mul(V_prev, s2), V) };
  return p;
}

int dmc_lgc_elbo(const dmc_lgc *m, double x0, double *elbo, double *kl_prior,
                 double *kl, double *recon)
{
  if (!valid_chain(m, x0)) {
    if (kl && m && m->T >= 1 && m->T < DMC_N_MAX) nan_fill(m->T - 1, kl);
    return nan_out3(DMC_EDOM, elbo, kl_prior, recon);
  }
  /* recon: E log N(x0; a1 x1 + b1, c1), x1 ~ N(l1 x0, 1 - l1^2) */
  double l1 = m->lambda[0], a1 = m->a[0], c1 = m->c[0];
  dmc_dd abar = dd_from(l1), V = one_minus_sq(l1);
  dmc_dd d1 = dd_sub(dd_mul_d(dd_sub(DD_ONE, dd_two_prod(a1, l1)), x0), dd_from(m->b[0]));
  dmc_dd q1 = dd_div_d(dd_add(dd_mul(d1, d1), dd_mul(dd_two_prod(a1, a1), V)), c1);
  dmc_dd rec = dd_mul_d(dd_add(dd_add(DD_LOG_2PI, dd_log(dd_from(c1))), q1), -0.5);
  dmc_dd sum = rec;
  for (size_t t = 2; t <= m->T; t++) {
    double l = m->lambda[t - 1];
    posterior q = step_posterior(abar, V, l);
    dmc_dd abar_t = dd_mul_d(abar, l), V_t = dd_add(dd_mul(dd_two_prod(l, l), V), one_minus_sq(l));
    dmc_dd bma = dd_sub(q.B, dd_from(m->a[t - 1]));
    dmc_dd dmean = dd_sub(dd_mul_d(dd_add(q.A, dd_mul(bma, abar_t)), x0), dd_from(m->b[t - 1]));
    dmc_dd k = kl_dd(q.vt, dd_from(m->c[t - 1]), dd_add(dd_mul(dmean, dmean), dd_mul(dd_mul(bma, bma), V_t)));
    if (kl) kl[t - 2] = k.hi;
    sum = dd_sub(sum, k);
    abar = abar_t;
    V = V_t;
  }
  dmc_dd dT = dd_sub(dd_mul_d(abar, x0), dd_from(m->mT));
  dmc_dd kp = kl_dd(V, dd_from(m->vT), dd_mul(dT, dT));
  sum = dd_sub(sum, kp);
  int ok = !isnan(sum.hi) && !isnan(kp.hi) && !isnan(rec.hi);
  for (size_t t = 2; kl && ok && t <= m->T; t++) ok = !isnan(kl[t - 2]);
  if (!ok) { /* an intermediate overflowed */
    if (kl) nan_fill(m->T - 1, kl);
    return nan_out3(DMC_ERANGE, elbo, kl_prior, recon);
  }
  if (elbo) *elbo = sum.hi;
  if (kl_prior) *kl_prior = kp.hi;
  if (recon) *recon = rec.hi;
  return DMC_OK;
}

int dmc_lgc_true_reverse(size_t T, const double *lambda, double m0, double v0,
                         double *a, double *b, double *c, double *mT, double *vT)
{
  int ok = T >= 1 && T <= DMC_N_MAX && lambda && a && b && c && mT && vT && isfinite(m0) &&
           isfinite(v0) && v0 > 0;
  for (size_t t = 0; ok && t < T; t++) ok = lambda[t] > 0 && lambda[t] < 1;
  if (!ok) {
    nan_fill(T, a);
    nan_fill(T, b);
    nan_fill(T, c);
    return nan_out2(DMC_EDOM, mT, vT);
  }
  dmc_dd M = dd_from(m0), S = dd_from(v0);
  for (size_t t = 1; t <= T; t++) {
    double l = lambda[t - 1];
    dmc_dd s2 = one_minus_sq(l), Mt = dd_mul_d(M, l), St = dd_add(dd_mul(dd_two_prod(l, l), S), s2);
    dmc_dd at = dd_div(dd_mul_d(S, l), St);
    a[t - 1] = at.hi;
    b[t - 1] = dd_sub(M, dd_mul(at, Mt)).hi;
    c[t - 1] = dd_div(dd_mul(S, s2), St).hi;
    M = Mt;
    S = St;
  }
  *mT = M.hi;
  *vT = S.hi;
  if (checked_n(T, a) || checked_n(T, b) || checked_n(T, c) || checked2(mT, vT)) {
    nan_fill(T, a);
    nan_fill(T, b);
    nan_fill(T, c);
    return nan_out2(DMC_ERANGE, mT, vT);
  }
  return DMC_OK;
}

/* The path estimators are Monte Carlo quantities: plain double suffices. */
static double ln_normal(double x, double mean, double v)
{
  double d = x - mean;
  return -0.5 * (1.8378770664093454 + log(v) + d * d / v);
}

static double kl_double(double v1, double v2, double e2)
{
  double rho = (v1 - v2) / v2, f;
  if (fabs(rho) < 0.25) {            /* rho^2/2 - rho^3/3 + ..., 30 terms reach 1e-19 */
    f = 0;
    for (int n = 30; n >= 2; n--) f = 1.0 / n - rho * f;
    f *= rho * rho;
  } else {
    f = rho - log1p(rho);
  }
  return 0.5 * (f + e2 / v2);
}

int dmc_lgc_elbo_path(const dmc_lgc *m, double x0, const double *eps,
                      double *plain, double *rb, double *plain_terms, double *rb_terms)
{
  int ok = valid_chain(m, x0) && eps;
  for (size_t t = 0; ok && t < m->T; t++) ok = isfinite(eps[t]);
  if (!ok) {
    if (m && m->T < DMC_N_MAX) {
      nan_fill(m->T + 1, plain_terms);
      nan_fill(m->T + 1, rb_terms);
    }
    return nan_out2(DMC_EDOM, plain, rb);
  }
  double xprev = x0, abar = 1, V = 0, lp = 0, lrb = 0;
  for (size_t t = 1; t <= m->T; t++) {
    double l = m->lambda[t - 1];
    double s2 = (1 - l) * (1 + l);
    double xt = l * xprev + sqrt(s2) * eps[t - 1];
    double mean_p = m->a[t - 1] * xt + m->b[t - 1];
    double Vt = l * l * V + s2;
    double rev = ln_normal(xprev, mean_p, m->c[t - 1]);
    lp += rev - ln_normal(xt, l * xprev, s2);
    if (t == 1) {
      lrb += rev;
      if (plain_terms) plain_terms[0] = rev;
      if (rb_terms) rb_terms[0] = rev;
    } else {
      /* q(x_{t-1} | x_t, x_0) = N(A x0 + B x_t, vt) */
      double A = abar * s2 / Vt, B = l * V / Vt, vt = V * s2 / Vt;
      double dmean = A * x0 + B * xt - mean_p;
      double k = kl_double(vt, m->c[t - 1], dmean * dmean);
      lrb -= k;
      if (plain_terms) plain_terms[t] = rev - ln_normal(xprev, A * x0 + B * xt, vt);
      if (rb_terms) rb_terms[t] = -k;
    }
    abar *= l;
    V = Vt;
    xprev = xt;
  }
  double lpT = ln_normal(xprev, m->mT, m->vT);
  lp += lpT;
  double dT = abar * x0 - m->mT;
  double kp = kl_double(V, m->vT, dT * dT);
  lrb -= kp;
  if (plain_terms) plain_terms[1] = lpT - ln_normal(xprev, abar * x0, V);
  if (rb_terms) rb_terms[1] = -kp;
  if (plain) *plain = lp;
  if (rb) *rb = lrb;
  if (isnan(lp) || isnan(lrb) || checked_n(m->T + 1, plain_terms) || checked_n(m->T + 1, rb_terms)) {
    nan_fill(m->T + 1, plain_terms);
    nan_fill(m->T + 1, rb_terms);
    return nan_out2(DMC_ERANGE, plain, rb);
  }
  return DMC_OK;
}
