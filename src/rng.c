/* rng.c -- explicit per-trial / per-block GSL random streams and a
 * deterministic block-parallel runner (D6; used by every Monte Carlo). */
#include "dmcheck.h"
#include "alloc.h"

#include <pthread.h>
#include <stdlib.h>

/* A bijection of [0, 2^31): xor-shifts and odd multipliers modulo 2^31. */
static uint32_t mix31(uint32_t x)
{
  const uint32_t mask = 0x7fffffffu;
  x &= mask;
  x ^= x >> 16; x = (x * 0x45d9f3bu) & mask;
  x ^= x >> 15; x = (x * 0x2c1b3c6du) & mask;
  x ^= x >> 16;
  return x;
}

/* splitmix64 finaliser: folds the 64-bit master seed. */
static uint64_t mix64(uint64_t z)
{
  z += 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

unsigned long dmc_stream_key(uint64_t seed, uint64_t stream)
{
  if (stream >= DMC_STREAM_MAX) return 0;
  uint32_t h = (uint32_t)(mix64(seed) & 0x7fffffffu);
  /* h ^ stream is injective in stream, mix31 is a bijection, +1 avoids the
   * seed 0 that mt19937 replaces by its default 4357. */
  return 1ul + mix31(h ^ (uint32_t)stream);
}

gsl_rng *dmc_stream_alloc(void) { return gsl_rng_alloc(gsl_rng_mt19937); }

int dmc_stream_seed(gsl_rng *r, uint64_t seed, uint64_t stream)
{
  if (!r || stream >= DMC_STREAM_MAX) return DMC_EDOM;
  gsl_rng_set(r, dmc_stream_key(seed, stream));
  return DMC_OK;
}

typedef struct {
  size_t nblocks;
  unsigned nthreads, index;
  uint64_t seed;
  dmc_block_fn fn;
  void *ctx;
  int *status; /* one per block */
} worker;

static void *run_worker(void *arg)
{
  worker *w = arg;
  gsl_rng *r = dmc_stream_alloc();
  for (size_t b = w->index; b < w->nblocks; b += w->nthreads) {
    if (!r) { w->status[b] = DMC_ENOMEM; continue; }
    dmc_stream_seed(r, w->seed, b);
    w->status[b] = w->fn(w->ctx, b, r);
  }
  gsl_rng_free(r);
  return NULL;
}

int dmc_run_blocks(size_t nblocks, unsigned nthreads, uint64_t seed,
                   dmc_block_fn fn, void *ctx)
{
  if (!fn || nthreads < 1 || nthreads > DMC_MAX_THREADS || nblocks > DMC_STREAM_MAX)
    return DMC_EDOM;
  if (nblocks == 0) return DMC_OK;
  if (nthreads > nblocks) nthreads = (unsigned)nblocks;
  int *status = alloc_array(nblocks, sizeof *status); /* every block sets its own */
  worker *w = alloc_array(nthreads, sizeof *w);
  pthread_t *tid = alloc_array(nthreads, sizeof *tid);
  int result = DMC_ENOMEM;
  if (status && w && tid) {
    unsigned started = 0;
    for (unsigned t = 0; t < nthreads; t++) {
      w[t] = (worker){ nblocks, nthreads, t, seed, fn, ctx, status };
      if (t == 0) continue; /* thread 0's share runs on the caller's thread */
      if (pthread_create(&tid[t], NULL, run_worker, &w[t]) != 0) break;
      started = t;
    }
    if (started + 1 < nthreads) {
      /* could not start every thread: run the missing shares here */
      for (unsigned t = started + 1; t < nthreads; t++) run_worker(&w[t]);
    }
    run_worker(&w[0]);
    for (unsigned t = 1; t <= started; t++) pthread_join(tid[t], NULL);
    result = DMC_OK;
    for (size_t b = 0; b < nblocks; b++)
      if (status[b] != DMC_OK) { result = status[b]; break; }
  }
  free(tid); free(w); free(status);
  return result;
}
