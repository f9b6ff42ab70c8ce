/* dmv_npy.h -- NumPy candidate files (.npy structured arrays, .npz of named
 * 1-D arrays) read into named double columns (dmv_npy.c). */
#ifndef DMV_NPY_H
#define DMV_NPY_H

#include <stddef.h>

#define DMV_NPY_MAX_COLS 64

typedef struct { char name[64]; double *v; size_t n; } npy_col;
typedef struct { int ncols; npy_col col[DMV_NPY_MAX_COLS]; } npy_table;

/* 1 if PATH ends in .npy or .npz. */
int npy_is_numpy(const char *path);
/* Reads PATH (by extension) into t: 0, or -1 with "FILE: message" in err
 * (t empty then). Every column has the same length, at least 1. */
int npy_load(const char *path, npy_table *t, char *err, size_t errlen);
void npy_free(npy_table *t);

#endif
