/* rng.c -- explicit per-trial / per-block GSL random streams and a
 * deterministic block-parallel runner (D6; used by every Monte Carlo). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getcpu, pthread_attr_setaffinity_np */
#endif
#include "dmcheck.h"
#include "alloc.h"

#include <pthread.h>
#include <stdlib.h>
#if defined(__linux__) && defined(__GLIBC__)
#include <sched.h>
#define DMC_PLACEMENT_HINT 1
#else
#define DMC_PLACEMENT_HINT 0
#endif

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
  const void *allowed; /* cpu_set_t to restore once running, or NULL */
} worker;

static void *run_worker(void *arg)
{
  worker *w = arg;
#if DMC_PLACEMENT_HINT
  if (w->allowed) pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), w->allowed);
#endif
  gsl_rng *r = dmc_stream_alloc();
  for (size_t b = w->index; b < w->nblocks; b += w->nthreads) {
    if (!r) { w->status[b] = DMC_ENOMEM; continue; }
    dmc_stream_seed(r, w->seed, b);
    w->status[b] = w->fn(w->ctx, b, r);
  }
  gsl_rng_free(r);
  return NULL;
}

/* Where a worker starts. Linux places a new thread by recent load, and for
 * runs of a few milliseconds it often puts it on the caller's CPU, where it
 * stays to the end: half of the 2-thread Langevin runs then took as long as
 * one thread. A worker therefore starts on any allowed CPU but the caller's,
 * then restores the full allowed set, so the scheduler stays free to move
 * it. Placement does not change results: block b always uses stream b. */
#if DMC_PLACEMENT_HINT
typedef struct { cpu_set_t allowed, others; pthread_attr_t attr; } placement;

static int placement_init(placement *pl, unsigned nthreads)
{
  int me = sched_getcpu();
  if (nthreads < 2 || me < 0 || sched_getaffinity(0, sizeof pl->allowed, &pl->allowed) != 0) return 0;
  pl->others = pl->allowed;
  CPU_CLR(me, &pl->others);
  if (CPU_COUNT(&pl->others) == 0 || pthread_attr_init(&pl->attr) != 0) return 0;
  if (pthread_attr_setaffinity_np(&pl->attr, sizeof pl->others, &pl->others) != 0) {
    pthread_attr_destroy(&pl->attr);
    return 0;
  }
  return 1;
}
#else
typedef struct { int allowed; pthread_attr_t attr; } placement;
static int placement_init(placement *pl, unsigned nthreads) { (void)pl; (void)nthreads; return 0; }
#endif

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
    placement pl;
    int hint = placement_init(&pl, nthreads);
    for (unsigned t = 0; t < nthreads; t++) {
      w[t] = (worker){ nblocks, nthreads, t, seed, fn, ctx, status, NULL };
      if (t == 0) continue; /* thread 0's share runs on the caller's thread */
      if (hint) w[t].allowed = &pl.allowed;
      if (pthread_create(&tid[t], hint ? &pl.attr : NULL, run_worker, &w[t]) != 0) break;
      started = t;
    }
    if (hint) pthread_attr_destroy(&pl.attr);
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
