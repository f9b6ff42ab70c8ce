/* normal_zig.h -- private to src/: one lane of the normal generator
 * (xoshiro256++ bits, 1024-layer ZIGNOR ziggurat), shared by the portable and
 * the AVX2 paths so that both produce the same draws bit for bit. */
#ifndef DMC_NORMAL_ZIG_H
#define DMC_NORMAL_ZIG_H

#include "dmcheck.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DMC_HAVE_AVX2_PATH 1
#else
#define DMC_HAVE_AVX2_PATH 0
#endif

#define DMC_ZIG_LAYERS 1024
typedef struct { double x, ratio; } dmc_zig_layer; /* X[i], X[i+1]/X[i] */
extern const dmc_zig_layer dmc_zig_tab[DMC_ZIG_LAYERS + 1];
extern const double dmc_zig_f[DMC_ZIG_LAYERS + 1]; /* exp(-X[i]^2/2) */

static inline uint64_t dmc_zig_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t dmc_zig_bits(uint64_t *s)
{
  uint64_t result = dmc_zig_rotl(s[0] + s[3], 23) + s[0], t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t;
  s[3] = dmc_zig_rotl(s[3], 45);
  return result;
}

/* u in [-1, 1) from the top 52 bits, exactly: [2, 4) by the bit pattern, - 3.
 * The layer is the low 8 bits (disjoint). The AVX2 path does the same. */
static inline double dmc_zig_u(uint64_t bits)
{
  uint64_t m = (bits >> 12) | 0x4000000000000000ULL;
  double d;
  memcpy(&d, &m, sizeof d);
  return d - 3.0;
}

/* The rest of an attempt whose fast path failed (tail, or wedge test; a
 * rejection starts a new attempt): every further bit comes from aux, so the
 * main stream gives exactly one word per draw. */
double dmc_zig_slow(uint64_t *aux, double u, unsigned layer);

static inline double dmc_zig_draw(dmc_normal_gen *g)
{
  uint64_t bits = dmc_zig_bits(g->s);
  double u = dmc_zig_u(bits);
  unsigned i = (unsigned)(bits & (DMC_ZIG_LAYERS - 1));
  return fabs(u) < dmc_zig_tab[i].ratio ? u * dmc_zig_tab[i].x : dmc_zig_slow(g->aux, u, i);
}

/* The AVX2 fill (src/normal_avx2.c); only called when the CPU has AVX2. */
void dmc_normal4_fill_avx2(dmc_normal4_gen *g, size_t ngroups, double *out);

#endif
