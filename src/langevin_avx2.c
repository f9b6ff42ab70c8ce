/* langevin_avx2.c -- the AVX2 Langevin kernel (see langevin_kernel.h);
 * target attributes, chosen at run time by src/langevin.c. */
#include "langevin_kernel.h"

#if DMC_HAVE_AVX2_PATH
#include "normal_avx2.h"

DMC_AVX2_FN void dmc_lgv_block_avx2(const dmc_lgv_coef *c, dmc_normal4_gen *g, size_t ngroups, size_t nsteps,
                                    double *x, double *e)
{
  const __m256d mu = _mm256_set1_pd(c->mu), rate = _mm256_set1_pd(c->rate), noise = _mm256_set1_pd(c->noise);
  const __m256d dt = _mm256_set1_pd(c->dt), hiv = _mm256_set1_pd(c->half_inv_var);
  dmc_zig4 v;
  dmc_zig4_load(&v, g);
  for (size_t k = 0; k < nsteps; k++)
    for (size_t j = 0; j < ngroups; j++) {
      __m256d z = dmc_zig4_draw(&v, g);
      __m256d xv = _mm256_loadu_pd(x + 4 * j), ev = _mm256_loadu_pd(e + 4 * j);
      __m256d mean_f = _mm256_add_pd(xv, _mm256_mul_pd(_mm256_sub_pd(mu, xv), rate));
      __m256d xn = _mm256_add_pd(mean_f, _mm256_mul_pd(noise, z));
      __m256d rf = _mm256_sub_pd(xn, mean_f);
      __m256d rb = _mm256_sub_pd(rf, _mm256_mul_pd(rf, dt));
      ev = _mm256_add_pd(ev, _mm256_mul_pd(_mm256_sub_pd(_mm256_mul_pd(rf, rf), _mm256_mul_pd(rb, rb)), hiv));
      _mm256_storeu_pd(x + 4 * j, xn);
      _mm256_storeu_pd(e + 4 * j, ev);
    }
  dmc_zig4_store(&v, g);
}
#endif
