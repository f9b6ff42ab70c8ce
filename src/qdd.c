/* qdd.c -- the binary128-pair slow path of the Gaussian log-density (see qdd.h). */
#include "qdd.h"

#include <math.h>

/* A constant given as four non-overlapping doubles (generated with MPFR). */
static dmc_qdd from4(const double c[4])
{
  dmc_qdd r = { (dmc_quad)c[0] + c[1], (dmc_quad)c[2] + c[3] };
  return r;
}

static const double LN2[4] = { 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56, 0x1.7b57a079a1934p-111, -0x1.ace93a4ebe5d1p-165 };
static const double HALF_LOG_2PI[4] = { 0x1.d67f1c864beb5p-1, -0x1.65b5a1b7ff5dfp-55, -0x1.b7f70c13dc1ccp-110, 0x1.3458b4ddec6a3p-164 };
static const double INVERSE_ODD[30][4] = {
  { 0x1.5555555555555p-2, 0x1.5555555555555p-56, 0x1.5555555555555p-110, 0x1.5555555555555p-164 }, /* 1/3 */
  { 0x1.999999999999ap-3, -0x1.999999999999ap-57, 0x1.999999999999ap-111, -0x1.999999999999ap-165 }, /* 1/5 */
  { 0x1.2492492492492p-3, 0x1.2492492492492p-57, 0x1.2492492492492p-111, 0x1.2492492492492p-165 }, /* 1/7 */
  { 0x1.c71c71c71c71cp-4, 0x1.c71c71c71c71cp-58, 0x1.c71c71c71c71cp-112, 0x1.c71c71c71c71cp-166 }, /* 1/9 */
  { 0x1.745d1745d1746p-4, -0x1.745d1745d1746p-59, 0x1.745d1745d1746p-114, -0x1.745d1745d1746p-169 }, /* 1/11 */
  { 0x1.3b13b13b13b14p-4, -0x1.3b13b13b13b14p-58, 0x1.3b13b13b13b14p-112, -0x1.3b13b13b13b14p-166 }, /* 1/13 */
  { 0x1.1111111111111p-4, 0x1.1111111111111p-60, 0x1.1111111111111p-116, 0x1.1111111111111p-172 }, /* 1/15 */
  { 0x1.e1e1e1e1e1e1ep-5, 0x1.e1e1e1e1e1e1ep-61, 0x1.e1e1e1e1e1e1ep-117, 0x1.e1e1e1e1e1e1ep-173 }, /* 1/17 */
  { 0x1.af286bca1af28p-5, 0x1.af286bca1af28p-59, 0x1.af286bca1af28p-113, 0x1.af286bca1af28p-167 }, /* 1/19 */
  { 0x1.8618618618618p-5, 0x1.8618618618618p-59, 0x1.8618618618618p-113, 0x1.8618618618618p-167 }, /* 1/21 */
  { 0x1.642c8590b2164p-5, 0x1.642c8590b2164p-60, 0x1.642c8590b2164p-115, 0x1.642c8590b2164p-170 }, /* 1/23 */
  { 0x1.47ae147ae147bp-5, -0x1.eb851eb851eb8p-61, -0x1.47ae147ae147bp-115, 0x1.eb851eb851eb8p-171 }, /* 1/25 */
  { 0x1.2f684bda12f68p-5, 0x1.2f684bda12f68p-59, 0x1.2f684bda12f68p-113, 0x1.2f684bda12f68p-167 }, /* 1/27 */
  { 0x1.1a7b9611a7b96p-5, 0x1.1a7b9611a7b96p-61, 0x1.1a7b9611a7b96p-117, 0x1.1a7b9611a7b96p-173 }, /* 1/29 */
  { 0x1.0842108421084p-5, 0x1.0842108421084p-60, 0x1.0842108421084p-115, 0x1.0842108421084p-170 }, /* 1/31 */
  { 0x1.f07c1f07c1f08p-6, -0x1.f07c1f07c1f08p-61, 0x1.f07c1f07c1f08p-116, -0x1.f07c1f07c1f08p-171 }, /* 1/33 */
  { 0x1.d41d41d41d41dp-6, 0x1.075075075075p-60, 0x1.d41d41d41d41dp-114, 0x1.075075075075p-168 }, /* 1/35 */
  { 0x1.bacf914c1badp-6, -0x1.bacf914c1badp-60, 0x1.bacf914c1badp-114, -0x1.bacf914c1badp-168 }, /* 1/37 */
  { 0x1.a41a41a41a41ap-6, 0x1.069069069069p-60, 0x1.a41a41a41a41ap-114, 0x1.069069069069p-168 }, /* 1/39 */
  { 0x1.8f9c18f9c18fap-6, -0x1.f3831f3831f38p-61, -0x1.8f9c18f9c18fap-116, 0x1.f3831f3831f38p-171 }, /* 1/41 */
  { 0x1.7d05f417d05f4p-6, 0x1.7d05f417d05f4p-62, 0x1.7d05f417d05f4p-118, 0x1.7d05f417d05f4p-174 }, /* 1/43 */
  { 0x1.6c16c16c16c17p-6, -0x1.f49f49f49f49fp-61, -0x1.27d27d27d27d2p-115, -0x1.f49f49f49f49fp-169 }, /* 1/45 */
  { 0x1.5c9882b931057p-6, 0x1.310572620ae4cp-61, 0x1.0572620ae4c41p-115, 0x1.72620ae4c415dp-169 }, /* 1/47 */
  { 0x1.4e5e0a72f0539p-6, 0x1.e0a72f0539783p-60, -0x1.8d0fac687d634p-114, -0x1.f58d0fac687d6p-169 }, /* 1/49 */
  { 0x1.4141414141414p-6, 0x1.4141414141414p-62, 0x1.4141414141414p-118, 0x1.4141414141414p-174 }, /* 1/51 */
  { 0x1.3521cfb2b78c1p-6, 0x1.a90e7d95bc60ap-61, -0x1.5bc609a90e7d9p-115, -0x1.6f1826a439f65p-169 }, /* 1/53 */
  { 0x1.29e4129e4129ep-6, 0x1.04a7904a7904ap-60, 0x1.e4129e4129e41p-114, 0x1.4f2094f2094f2p-169 }, /* 1/55 */
  { 0x1.1f7047dc11f7p-6, 0x1.1f7047dc11f7p-60, 0x1.1f7047dc11f7p-114, 0x1.1f7047dc11f7p-168 }, /* 1/57 */
  { 0x1.15b1e5f75270dp-6, 0x1.15b1e5f75270dp-64, 0x1.15b1e5f75270dp-122, 0x1.15b1e5f75270dp-180 }, /* 1/59 */
  { 0x1.0c9714fbcda3bp-6, -0x1.f79b47582192ep-61, -0x1.4fbcda3ac10c9p-116, -0x1.c53ef368eb043p-170 }, /* 1/61 */
};

/* log v = e ln2 + 2 atanh((m-1)/(m+1)), m in [sqrt(1/2), sqrt 2); |s| < 0.1716
 * so 30 terms of the atanh series reach 2^-150 relative. */
static dmc_qdd log_of(double v)
{
  int e;
  double m = frexp(v, &e);
  if (m < 0x1.6a09e667f3bcdp-1) { m *= 2; e -= 1; }
  dmc_qdd s = qdd_div(qdd_two_sum(m, -1), qdd_two_sum(m, 1)), s2 = qdd_mul(s, s), acc = qdd_scalar(0);
  for (int k = 30; k >= 1; k--) acc = qdd_mul(qdd_add(acc, from4(INVERSE_ODD[k - 1])), s2);
  acc = qdd_mul(qdd_add(acc, qdd_scalar(1)), s);
  acc = qdd_add(acc, acc);
  return qdd_add(qdd_mul(from4(LN2), qdd_scalar((dmc_quad)e)), acc);
}

double dmc_gauss_logpdf_qdd(size_t n, const double *x, const double *mu,
                            const double *scale, int scale_is_sigma)
{
  dmc_qdd total = qdd_mul(from4(HALF_LOG_2PI), qdd_scalar((dmc_quad)n));
  for (size_t i = 0; i < n; i++) {
    dmc_quad s = scale[i];
    dmc_qdd v = scale_is_sigma ? qdd_scalar(s * s) : qdd_scalar(s); /* s*s is exact in binary128 */
    dmc_qdd d = qdd_two_sum(x[i], -(dmc_quad)mu[i]);                /* exact */
    dmc_qdd lv = log_of(scale[i]);
    if (scale_is_sigma) lv = qdd_add(lv, lv);
    total = qdd_add(total, qdd_mul(qdd_add(qdd_div(qdd_mul(d, d), v), lv), qdd_scalar(0.5)));
  }
  return -qdd_to_double(total);
}
