/* dmv_npy.c -- NumPy candidate files for verify: .npy (a structured array,
 * one field per column) and .npz (an uncompressed zip of named 1-D arrays,
 * numpy.savez). Format: numpy.lib.format (NEP 1): magic "\x93NUMPY", version
 * 1.0/2.0/3.0, a header dict {'descr', 'fortran_order', 'shape'}, the data.
 * Supported: little-endian or byte-sized float (2, 4, 8 bytes), int and
 * unsigned (1..8 bytes) and bool fields, 1-D shapes; anything else is
 * refused with "FILE: message". */
#include "cli_verify.h"
#include "dmv_npy.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAX_BYTES CSV_MAX_BYTES

static int fail(char *err, size_t errlen, const char *path, const char *what)
{
  snprintf(err, errlen, "%s: %s", path, what);
  return -1;
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

static double half_to_double(uint16_t h)
{
  int e = h >> 10 & 31, m = h & 1023;
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m | 1024, e - 25);
  return h & 0x8000 ? -v : v;
}

/* One element of type (kind, size) at p as a double; 0 or -1 (unsupported). */
static int convert(char kind, int size, const unsigned char *p, double *out)
{
  uint64_t u = 0;
  for (int i = 0; i < size; i++) u |= (uint64_t)p[i] << (8 * i);
  if (kind == 'f' && size == 8) { memcpy(out, &u, 8); return 0; }
  if (kind == 'f' && size == 4) { uint32_t w = (uint32_t)u; float f; memcpy(&f, &w, 4); *out = f; return 0; }
  if (kind == 'f' && size == 2) { *out = half_to_double((uint16_t)u); return 0; }
  if (kind == 'b' && size == 1) { *out = u != 0; return 0; }
  if (kind == 'u' && size <= 8) { *out = (double)u; return 0; }
  if (kind == 'i' && size <= 8) {
    if (size < 8 && (u >> (8 * size - 1) & 1)) u |= ~(uint64_t)0 << (8 * size);
    int64_t s;
    memcpy(&s, &u, 8);
    *out = (double)s;
    return 0;
  }
  return -1;
}

static int supported(char kind, int size)
{
  return (kind == 'f' && (size == 2 || size == 4 || size == 8)) || (kind == 'b' && size == 1)
      || ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8));
}

/* A type string such as '<f8', '|b1', '|V4' (V: padding). */
static int parse_type(const char *s, size_t len, char *kind, int *size)
{
  if (len < 3 || len > 4 || (s[0] != '<' && s[0] != '|' && s[0] != '=')) return -1;
  *kind = s[1];
  *size = 0;
  for (size_t i = 2; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    *size = *size * 10 + (s[i] - '0');
  }
  if (*kind == 'V') return *size > 0 ? 0 : -1;
  return supported(*kind, *size) ? 0 : -1;
}

/* The quoted string at *p (single or double quotes); advances past it. */
static int quoted(const char **p, const char *end, const char **s, size_t *len)
{
  while (*p < end && (**p == ' ' || **p == ',')) (*p)++;
  if (*p >= end || (**p != '\'' && **p != '"')) return -1;
  char q = **p;
  const char *e = memchr(*p + 1, q, (size_t)(end - *p - 1));
  if (!e) return -1;
  *s = *p + 1;
  *len = (size_t)(e - *s);
  *p = e + 1;
  return 0;
}

/* The value of 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *end, const char *key)
{
  char pat[32];
  snprintf(pat, sizeof pat, "'%s':", key);
  size_t l = strlen(pat);
  for (const char *p = h; p + l <= end; p++)
    if (!memcmp(p, pat, l)) {
      p += l;
      while (p < end && *p == ' ') p++;
      return p;
    }
  return NULL;
}

typedef struct { char name[64]; char kind; int size; size_t offset; } field;

/* One .npy image (buf, len) into columns: a structured array (names from
 * its fields) or, with name given, a plain 1-D array. */
static int parse_npy(const unsigned char *buf, size_t len, const char *name, npy_table *t, const char *path,
                     char *err, size_t errlen)
{
  if (len < 10 || memcmp(buf, "\x93NUMPY", 6)) return fail(err, errlen, path, "not a NumPy .npy file (bad magic)");
  int major = buf[6];
  size_t hlen, hoff;
  if (major == 1) { hlen = le16(buf + 8); hoff = 10; }
  else if (major == 2 || major == 3) {
    if (len < 12) return fail(err, errlen, path, "truncated .npy header");
    hlen = le32(buf + 8); hoff = 12;
  } else return fail(err, errlen, path, "unsupported .npy format version");
  if (hlen > len - hoff) return fail(err, errlen, path, "truncated .npy header");
  const char *h = (const char *)buf + hoff, *hend = h + hlen;
  const char *fo = dict_value(h, hend, "fortran_order"), *sh = dict_value(h, hend, "shape"),
             *de = dict_value(h, hend, "descr");
  if (!fo || !sh || !de) return fail(err, errlen, path, "bad .npy header (descr, fortran_order, shape)");
  /* shape (N,): 1-D only (fortran_order is then irrelevant) */
  if (*sh != '(') return fail(err, errlen, path, "bad .npy shape");
  char *e;
  errno = 0;
  unsigned long long n = strtoull(sh + 1, &e, 10);
  if (e == sh + 1 || errno || e >= hend || (e[0] != ',' && e[0] != ')'))
    return fail(err, errlen, path, "bad .npy shape");
  const char *rest = e + (e[0] == ',');
  while (rest < hend && *rest == ' ') rest++;
  if (rest >= hend || *rest != ')') return fail(err, errlen, path, "only 1-D arrays are supported (shape (N,))");
  field f[DMV_NPY_MAX_COLS];
  int nf = 0;
  size_t item = 0;
  const char *s;
  size_t sl;
  if (*de == '[') {
    const char *p = de + 1;
    for (;;) {
      while (p < hend && (*p == ' ' || *p == ',')) p++;
      if (p < hend && *p == ']') break;
      if (p >= hend || *p != '(') return fail(err, errlen, path, "bad structured descr in the .npy header");
      p++;
      const char *fn;
      size_t fl;
      if (quoted(&p, hend, &fn, &fl) || quoted(&p, hend, &s, &sl))
        return fail(err, errlen, path, "bad structured descr in the .npy header");
      while (p < hend && *p == ' ') p++;
      if (p >= hend || *p != ')') return fail(err, errlen, path, "sub-array fields are not supported");
      p++;
      char kind;
      int size;
      if (parse_type(s, sl, &kind, &size)) {
        char msg[160];
        snprintf(msg, sizeof msg, "field '%.*s': type '%.*s' is not supported (little-endian float, int, uint or bool)",
                 (int)(fl > 60 ? 60 : fl), fn, (int)(sl > 20 ? 20 : sl), s);
        return fail(err, errlen, path, msg);
      }
      if (kind != 'V') {
        if (nf == DMV_NPY_MAX_COLS) return fail(err, errlen, path, "too many fields");
        if (fl >= sizeof f[nf].name) return fail(err, errlen, path, "field name too long");
        memcpy(f[nf].name, fn, fl);
        f[nf].name[fl] = 0;
        f[nf].kind = kind; f[nf].size = size; f[nf].offset = item;
        nf++;
      }
      item += (size_t)size;
    }
    if (!nf) return fail(err, errlen, path, "structured array without fields");
  } else {
    if (quoted(&de, hend, &s, &sl) || parse_type(s, sl, &f[0].kind, &f[0].size) || f[0].kind == 'V')
      return fail(err, errlen, path, "dtype not supported (little-endian float, int, uint or bool)");
    if (!name) return fail(err, errlen, path, "a plain .npy array has no column names; save a structured array "
                                              "or use .npz (numpy.savez(FILE, NAME=array, ...))");
    if (strlen(name) >= sizeof f[0].name) return fail(err, errlen, path, "array name too long");
    snprintf(f[0].name, sizeof f[0].name, "%s", name);
    f[0].offset = 0;
    item = (size_t)f[0].size;
    nf = 1;
  }
  if (strncmp(fo, "False", 5) && strncmp(fo, "True", 4)) return fail(err, errlen, path, "bad .npy fortran_order");
  size_t data = hoff + hlen;
  if (n > (len - data) / item) return fail(err, errlen, path, "truncated .npy data");
  for (int k = 0; k < nf; k++) {
    if (t->ncols == DMV_NPY_MAX_COLS) return fail(err, errlen, path, "too many columns");
    npy_col *c = &t->col[t->ncols];
    c->v = malloc((n ? (size_t)n : 1) * sizeof *c->v);
    if (!c->v) return fail(err, errlen, path, "out of memory");
    t->ncols++;
    memcpy(c->name, f[k].name, sizeof c->name);
    c->n = (size_t)n;
    for (size_t r = 0; r < n; r++)
      convert(f[k].kind, f[k].size, buf + data + r * item + f[k].offset, &c->v[r]);
  }
  return 0;
}

/* The stored members of a zip archive (numpy.savez), each NAME.npy. */
static int parse_npz(const unsigned char *buf, size_t len, npy_table *t, const char *path, char *err, size_t errlen)
{
  size_t eocd = (size_t)-1, lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
  for (size_t i = len >= 22 ? len - 21 : 0; i-- > lo;)
    if (le32(buf + i) == 0x06054b50) { eocd = i; break; }
  if (eocd == (size_t)-1) return fail(err, errlen, path, "not a .npz (zip) file: no end of central directory");
  size_t nent = le16(buf + eocd + 10), cd = le32(buf + eocd + 16);
  for (size_t k = 0; k < nent; k++) {
    if (cd > len || len - cd < 46 || le32(buf + cd) != 0x02014b50) return fail(err, errlen, path, "corrupt zip directory");
    int method = le16(buf + cd + 10);
    uint64_t csize = le32(buf + cd + 20), usize = le32(buf + cd + 24), off = le32(buf + cd + 42);
    size_t nl = le16(buf + cd + 28), xl = le16(buf + cd + 30), cl = le16(buf + cd + 32);
    if (len - cd - 46 < nl + xl + cl) return fail(err, errlen, path, "corrupt zip directory");
    const unsigned char *nm = buf + cd + 46, *x = nm + nl, *xe = x + xl;
    while (x + 4 <= xe) {  /* zip64 extra: the 0xFFFFFFFF sizes and offset, in order */
      size_t id = le16(x), sz = le16(x + 2);
      const unsigned char *q = x + 4, *qe = x + 4 + sz;
      if (qe > xe) break;
      if (id == 1) {
        if (usize == 0xffffffffu && q + 8 <= qe) { usize = le64(q); q += 8; }
        if (csize == 0xffffffffu && q + 8 <= qe) { csize = le64(q); q += 8; }
        if (off == 0xffffffffu && q + 8 <= qe) { off = le64(q); q += 8; }
      }
      x = qe;
    }
    char name[80];
    if (nl < 5 || nl - 4 >= sizeof name || memcmp(nm + nl - 4, ".npy", 4))
      return fail(err, errlen, path, "a .npz member is not NAME.npy");
    memcpy(name, nm, nl - 4);
    name[nl - 4] = 0;
    if (method != 0) return fail(err, errlen, path, "compressed .npz members are not supported (use numpy.savez, "
                                                     "not savez_compressed)");
    if (off > len || len - off < 30 || le32(buf + off) != 0x04034b50) return fail(err, errlen, path, "corrupt zip member");
    size_t data = (size_t)off + 30 + le16(buf + off + 26) + le16(buf + off + 28);
    if (data > len || csize != usize || usize > len - data) return fail(err, errlen, path, "truncated zip member");
    for (int c = 0; c < t->ncols; c++)
      if (!strcmp(t->col[c].name, name)) return fail(err, errlen, path, "duplicate array name");
    char where[1200];
    snprintf(where, sizeof where, "%s[%s]", path, name);
    if (parse_npy(buf + data, (size_t)usize, name, t, where, err, errlen)) return -1;
    cd += 46 + nl + xl + cl;
  }
  if (!t->ncols) return fail(err, errlen, path, "empty .npz");
  return 0;
}

int npy_is_numpy(const char *path)
{
  size_t l = strlen(path);
  return l > 4 && (!strcmp(path + l - 4, ".npy") || !strcmp(path + l - 4, ".npz"));
}

int npy_load(const char *path, npy_table *t, char *err, size_t errlen)
{
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "rb");
  if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
  size_t cap = 1 << 16, len = 0;
  unsigned char *buf = malloc(cap);
  int st = -1;
  while (buf) {
    if (len == cap) {
      if (cap >= NPY_MAX_BYTES) { fail(err, errlen, path, "file over 256 MiB"); goto out; }
      unsigned char *nb = realloc(buf, cap * 2);
      if (!nb) break;
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) { snprintf(err, errlen, "%s: read error", path); goto out; }
      break;
    }
  }
  if (!buf) { fail(err, errlen, path, "out of memory"); goto out; }
  st = path[strlen(path) - 1] == 'z' ? parse_npz(buf, len, t, path, err, errlen)
                                     : parse_npy(buf, len, NULL, t, path, err, errlen);
  if (!st && t->ncols) {
    for (int c = 1; c < t->ncols; c++)
      if (t->col[c].n != t->col[0].n) { st = fail(err, errlen, path, "arrays of different lengths"); break; }
    if (!st && !t->col[0].n) st = fail(err, errlen, path, "no rows");
  }
out:
  free(buf);
  fclose(f);
  if (st) npy_free(t);
  return st;
}

void npy_free(npy_table *t)
{
  for (int c = 0; c < t->ncols; c++) free(t->col[c].v);
  t->ncols = 0;
}
