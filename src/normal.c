/* normal.c -- a fast standard normal generator for the Monte Carlo hot paths:
 * xoshiro256++ (Blackman & Vigna) for the bits and Doornik's ZIGNOR ziggurat
 * (1024 layers, an exact method) for the normal; one stream, or four
 * independent lanes (jump-separated) with a portable and an AVX2 path that
 * give the same bits (the lane algorithm is in normal_zig.h, the AVX2 code in
 * normal_avx2.c). The state is an explicit object; nothing is global. */
#include "normal_zig.h"

#include <math.h>

#define ZIG_R dmc_zig_tab[1].x

/* Uniform in (0, 1): never 0, so log() is finite. */
static double uniform_open(uint64_t *s)
{
  return ((double)(dmc_zig_bits(s) >> 11) + 0.5) * 0x1p-53;
}

static void seed_splitmix(uint64_t s[4], uint64_t seed)
{
  for (int i = 0; i < 4; i++) { /* splitmix64 fills the state; never all zero */
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    s[i] = z ^ (z >> 31);
  }
}

/* xoshiro256++'s jump polynomials: the state 2^128 (jump) or 2^192 (long
 * jump) draws ahead. */
static const uint64_t JUMP[4] = { 0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                  0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL };
static const uint64_t LONG_JUMP[4] = { 0x76e15d3efefdcbbfULL, 0xc5004e441c522fb3ULL,
                                       0x77710069854ee241ULL, 0x39109bb02acbe635ULL };
static void jump(uint64_t s[4], const uint64_t poly[4])
{
  uint64_t t[4] = { 0, 0, 0, 0 };
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 64; b++) {
      if (poly[i] & (1ULL << b))
        for (int k = 0; k < 4; k++) t[k] ^= s[k];
      dmc_zig_bits(s);
    }
  memcpy(s, t, sizeof t);
}

static void set_aux(dmc_normal_gen *g)
{
  memcpy(g->aux, g->s, sizeof g->aux);
  jump(g->aux, LONG_JUMP);
}

void dmc_normal_seed(dmc_normal_gen *g, uint64_t seed)
{
  seed_splitmix(g->s, seed);
  set_aux(g);
}

/* Marsaglia's tail method beyond R. */
static double tail(uint64_t *aux, int negative)
{
  double x, y;
  do {
    x = log(uniform_open(aux)) / ZIG_R;
    y = log(uniform_open(aux));
  } while (-2 * y < x * x);
  return negative ? x - ZIG_R : ZIG_R - x;
}

/* Layer i's wedge: y uniform between f(X[i]) and f(X[i+1]) (one exp). */
double dmc_zig_slow(uint64_t *aux, double u, unsigned i)
{
  for (;;) {
    if (i == 0) return tail(aux, u < 0);
    double x = u * dmc_zig_tab[i].x;
    if (dmc_zig_f[i + 1] + uniform_open(aux) * (dmc_zig_f[i] - dmc_zig_f[i + 1]) < exp(-0.5 * x * x)) return x;
    /* rejected: a new attempt */
    uint64_t bits = dmc_zig_bits(aux);
    u = dmc_zig_u(bits);
    i = (unsigned)(bits & (DMC_ZIG_LAYERS - 1));
    if (fabs(u) < dmc_zig_tab[i].ratio) return u * dmc_zig_tab[i].x;
  }
}

double dmc_normal_draw(dmc_normal_gen *g) { return dmc_zig_draw(g); }

void dmc_normal_fill(dmc_normal_gen *g, size_t n, double *out)
{
  for (size_t i = 0; i < n; i++) out[i] = dmc_zig_draw(g);
}

void dmc_normal4_seed(dmc_normal4_gen *g, uint64_t seed)
{
  seed_splitmix(g->lane[0].s, seed);
  for (int l = 1; l < 4; l++) {
    memcpy(g->lane[l].s, g->lane[l - 1].s, sizeof g->lane[l].s);
    jump(g->lane[l].s, JUMP);
  }
  for (int l = 0; l < 4; l++) set_aux(&g->lane[l]);
}

int dmc_simd_available(int path)
{
  switch (path) {
  case DMC_SIMD_AUTO:
  case DMC_SIMD_PORTABLE: return 1;
#if DMC_HAVE_AVX2_PATH
  case DMC_SIMD_AVX2: return __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
  default: return 0;
  }
}

int dmc_normal4_fill(dmc_normal4_gen *g, size_t ngroups, double *out, int path)
{
  if (!g || (ngroups && !out) || !dmc_simd_available(path)) return DMC_EDOM;
  if (path == DMC_SIMD_AUTO) path = dmc_simd_available(DMC_SIMD_AVX2) ? DMC_SIMD_AVX2 : DMC_SIMD_PORTABLE;
#if DMC_HAVE_AVX2_PATH
  if (path == DMC_SIMD_AVX2) {
    dmc_normal4_fill_avx2(g, ngroups, out);
    return DMC_OK;
  }
#endif
  for (size_t k = 0; k < ngroups; k++)
    for (int l = 0; l < 4; l++) out[4 * k + l] = dmc_zig_draw(&g->lane[l]);
  return DMC_OK;
}
