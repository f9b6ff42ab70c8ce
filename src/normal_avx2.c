/* normal_avx2.c -- dmc_normal4_fill's AVX2 path (see normal_avx2.h); built
 * with target attributes, so no special compiler flags; chosen at run time. */
#include "normal_zig.h"

#if DMC_HAVE_AVX2_PATH
#include "normal_avx2.h"

DMC_AVX2_FN void dmc_normal4_fill_avx2(dmc_normal4_gen *g, size_t ngroups, double *out)
{
  dmc_zig4 v;
  dmc_zig4_load(&v, g);
  for (size_t k = 0; k < ngroups; k++) _mm256_storeu_pd(out + 4 * k, dmc_zig4_draw(&v, g));
  dmc_zig4_store(&v, g);
}
#endif
