/* normal_avx2.h -- private to src/: the four lanes of dmc_normal4_gen in AVX2
 * registers (word j of every lane in one vector). A draw is the lane
 * algorithm of normal_zig.h done four at a time: the same bits, the same u,
 * the same table entries and one IEEE multiplication, so each lane's value is
 * the portable path's; lanes whose fast path fails go through the shared
 * scalar dmc_zig_slow on their own aux state (the vectors are not touched). Only include where
 * DMC_HAVE_AVX2_PATH is 1, and call only when the CPU has AVX2. */
#ifndef DMC_NORMAL_AVX2_H
#define DMC_NORMAL_AVX2_H

#include "normal_zig.h"

#include <immintrin.h>

#define DMC_AVX2_FN __attribute__((target("avx2")))

typedef struct { __m256i s[4]; } dmc_zig4;

static inline DMC_AVX2_FN void dmc_zig4_load(dmc_zig4 *v, const dmc_normal4_gen *g)
{
  for (int j = 0; j < 4; j++)
    v->s[j] = _mm256_set_epi64x((long long)g->lane[3].s[j], (long long)g->lane[2].s[j],
                                (long long)g->lane[1].s[j], (long long)g->lane[0].s[j]);
}

static inline DMC_AVX2_FN void dmc_zig4_store(const dmc_zig4 *v, dmc_normal4_gen *g)
{
  for (int j = 0; j < 4; j++) {
    uint64_t w[4];
    _mm256_storeu_si256((__m256i *)w, v->s[j]);
    for (int l = 0; l < 4; l++) g->lane[l].s[j] = w[l];
  }
}

static inline DMC_AVX2_FN __m256i dmc_zig4_rotl(__m256i x, int k)
{
  return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

/* The lanes whose fast path failed (bit l of ok clear) finish on the scalar
 * slow path with their own aux state (about 0.43% of draws per lane). */
static DMC_AVX2_FN __attribute__((noinline, cold)) __m256d
dmc_zig4_fix(dmc_normal4_gen *g, __m256d z, __m256d u, __m256i idx, int ok)
{
  double zs[4], us[4];
  uint64_t is[4];
  _mm256_storeu_pd(zs, z);
  _mm256_storeu_pd(us, u);
  _mm256_storeu_si256((__m256i *)is, idx);
  for (int l = 0; l < 4; l++)
    if (!(ok >> l & 1)) zs[l] = dmc_zig_slow(g->lane[l].aux, us[l], (unsigned)is[l]);
  return _mm256_loadu_pd(zs);
}

static inline DMC_AVX2_FN __m256d dmc_zig4_draw(dmc_zig4 *v, dmc_normal4_gen *g)
{
  __m256i s0 = v->s[0], s1 = v->s[1], s2 = v->s[2], s3 = v->s[3];
  __m256i bits = _mm256_add_epi64(dmc_zig4_rotl(_mm256_add_epi64(s0, s3), 23), s0);
  __m256i t = _mm256_slli_epi64(s1, 17);
  s2 = _mm256_xor_si256(s2, s0);
  s3 = _mm256_xor_si256(s3, s1);
  s1 = _mm256_xor_si256(s1, s2);
  s0 = _mm256_xor_si256(s0, s3);
  s2 = _mm256_xor_si256(s2, t);
  s3 = dmc_zig4_rotl(s3, 45);
  v->s[0] = s0; v->s[1] = s1; v->s[2] = s2; v->s[3] = s3;
  __m256i m = _mm256_or_si256(_mm256_srli_epi64(bits, 12), _mm256_set1_epi64x(0x4000000000000000LL));
  __m256d u = _mm256_sub_pd(_mm256_castsi256_pd(m), _mm256_set1_pd(3.0));
  __m256i idx = _mm256_and_si256(bits, _mm256_set1_epi64x(DMC_ZIG_LAYERS - 1));
  /* (X, ratio) of each lane's layer by 16-byte loads (faster than two gathers) */
  __m128i lo = _mm256_castsi256_si128(idx), hi = _mm256_extracti128_si256(idx, 1);
  const double *e0 = &dmc_zig_tab[_mm_cvtsi128_si64(lo)].x, *e1 = &dmc_zig_tab[_mm_extract_epi64(lo, 1)].x;
  const double *e2 = &dmc_zig_tab[_mm_cvtsi128_si64(hi)].x, *e3 = &dmc_zig_tab[_mm_extract_epi64(hi, 1)].x;
  __m256d a = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(e0)), _mm_loadu_pd(e2), 1);
  __m256d b = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(e1)), _mm_loadu_pd(e3), 1);
  __m256d x = _mm256_unpacklo_pd(a, b), r = _mm256_unpackhi_pd(a, b);
  __m256d au = _mm256_andnot_pd(_mm256_set1_pd(-0.0), u);
  int ok = _mm256_movemask_pd(_mm256_cmp_pd(au, r, _CMP_LT_OQ));
  __m256d z = _mm256_mul_pd(u, x);
  return ok == 0xf ? z : dmc_zig4_fix(g, z, u, idx, ok);
}

#endif
