/* langevin_kernel.h -- private to src/: one block of document 001's Langevin
 * demo, the Euler-Maruyama step and the ELBO update fused with the draws;
 * a portable kernel (langevin.c) and an AVX2 one (langevin_avx2.c) that do
 * the same IEEE operations in the same order (no FMA), so their outputs are
 * identical bit for bit. */
#ifndef DMC_LANGEVIN_KERNEL_H
#define DMC_LANGEVIN_KERNEL_H

#include "normal_zig.h"

typedef struct { double mu, rate, noise, dt, half_inv_var; } dmc_lgv_coef;

/* ngroups groups of 4 trials (trial 4j + l uses lane l), nsteps steps;
 * x and e hold 4 ngroups values, updated in place. */
void dmc_lgv_block_avx2(const dmc_lgv_coef *c, dmc_normal4_gen *g, size_t ngroups, size_t nsteps,
                        double *x, double *e);

#endif
