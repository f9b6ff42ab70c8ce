/* test_csvnum.c -- dmcheck's own number parser (report/csvnum.c, behind
 * csv_parse_double) against glibc's strtod, an independent correctly rounded
 * parser, bit for bit, on a seeded corpus built to sit on the rounding
 * decisions: %.17g / %.16g / %.Ng / %a prints of random doubles, the exact
 * midpoints between adjacent doubles written out in full (GMP), those
 * midpoints +- one unit in the last of 19-40 digits, exact ties of at most 20
 * digits (the tie rule of the 128-bit product), 19+ digit mantissas, the
 * subnormal, 2^-1022 and DBL_MAX boundaries, hex in many forms and texts that
 * must be rejected. Where the answer is known without strtod (a %.17g or %a
 * print reads back to its double; a midpoint rounds to the even neighbour, a
 * near-midpoint to its side) the corpus carries it, which checks strtod too.
 * Also: the decimal core csvnum_decimal on w < 2^64 directly, the share of
 * inputs csvnum decides without strtod (a parser that always defers fails),
 * pow5_table.c recomputed with GMP, and two negative controls (a parser one
 * bit wrong on 1 input in 997, and strtod rounding toward zero) that the
 * same comparison must flag.
 * Evidence: vectors.verify.numbers. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <gmp.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvnum.h"
#include "csvread.h"
#include "prop.h"
#include "mpref.h"

#define PROGRAM "test_csvnum"
#define CLAIM "vectors.verify.numbers"
PROP_FIXTURE(PROGRAM)

#define CHECK_STRTOD "csv_parse_double and csvnum_parse against glibc strtod: same status, same double bit for bit"

/* ---- the corpus ------------------------------------------------------------ */

enum { F_G17_BITS, F_G17_LOG, F_G16, F_GN, F_LONG, F_HEX_A, F_HEX, F_HALF, F_NEAR, F_TIE, F_LIMIT, F_FORM,
       F_REJECT, F_COUNT };
static const char *const family_name[F_COUNT] = {
  "%.17g, uniform bits", "%.17g, log-uniform", "%.16g", "%.Ng N<=17, %.Nf", "19-60 digits",
  "%a / %A", "hex forms, midpoints", "exact midpoints", "midpoints +-1 in digit 19-40", "exact ties <= 20 digits",
  "subnormal, 2^-1022, DBL_MAX", "zeros, signs, points, blanks", "malformed, inf/nan, edits",
};

/* What is known of a text without strtod. */
enum { T_NONE, T_VALUE, T_OVERFLOW, T_BAD, T_NAN };

typedef struct { size_t off, len; int fam, truth; double value; } entry;
typedef struct {
  char *text;
  size_t tlen, tcap;
  entry *e;
  size_t n, ecap;
} corpus;

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 1024;
  while (c < need) {
    PROP_CHECK(c <= SIZE_MAX / 2, "corpus size overflows");
    c *= 2;
  }
  PROP_CHECK(c <= SIZE_MAX / elem, "corpus size overflows");
  void *q = realloc(p, c * elem);
  PROP_CHECK(q != NULL, "out of memory");
  *cap = c;
  return q;
}

static void add(corpus *c, int fam, int truth, double value, const char *s, size_t len)
{
  PROP_CHECK(len < SIZE_MAX - 1 - c->tlen, "corpus size overflows");
  c->text = grow(c->text, &c->tcap, c->tlen + len + 1, 1);
  c->e = grow(c->e, &c->ecap, c->n + 1, sizeof *c->e);
  memcpy(c->text + c->tlen, s, len);
  c->text[c->tlen + len] = '\0';
  c->e[c->n++] = (entry){ c->tlen, len, fam, truth, value };
  c->tlen += len + 1;
}

static void add_str(corpus *c, int fam, int truth, double value, const char *s)
{
  add(c, fam, truth, value, s, strlen(s));
}

/* (The two draws in sequence: the corpus is the same under every compiler.) */
static uint64_t rnd64(gsl_rng *r)
{
  uint64_t hi = gsl_rng_get(r);
  return hi << 32 | gsl_rng_get(r);
}
/* A uniformly random finite double (uniform over bit patterns). */
static double rnd_finite(gsl_rng *r)
{
  for (;;) {
    uint64_t b = rnd64(r);
    double x;
    memcpy(&x, &b, sizeof x);
    if (isfinite(x)) return x;
  }
}
static long rnd_in(gsl_rng *r, long lo, long hi)
{
  return lo + (long)gsl_rng_uniform_int(r, (unsigned long)(hi - lo + 1));
}
static int coin(gsl_rng *r, double p) { return gsl_rng_uniform(r) < p; }

/* m 2^e for a finite double x >= 0: m < 2^53. */
static void split(double x, uint64_t *m, int *e)
{
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  int ef = (int)(b >> 52 & 0x7ff);
  *m = b & (((uint64_t)1 << 52) - 1);
  if (ef) *m |= (uint64_t)1 << 52;
  *e = ef ? ef - 1075 : -1074;
}

/* A random positive finite double: uniform over bit patterns or log-uniform. */
static double rnd_double(gsl_rng *r)
{
  return coin(r, 0.5) ? fabs(rnd_finite(r)) : prop_log_uniform(r, -307.5, 307.5, 0);
}

/* The digits of m 2^e (m > 0) in base 10, trailing zeros dropped:
 * m 2^e = int(d) 10^x. Returns the number of digits. */
static size_t exact_digits(mpz_t z, uint64_t m, long e, char *d, size_t cap, long *x)
{
  mpz_set_ui(z, 0);
  mpz_import(z, 1, 1, sizeof m, 0, 0, &m);
  *x = 0;
  if (e >= 0) mpz_mul_2exp(z, z, (mp_bitcnt_t)e);
  else {
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 5, (unsigned long)-e);
    mpz_mul(z, z, p);
    mpz_clear(p);
    *x = e;
  }
  PROP_CHECK(mpz_sizeinbase(z, 10) + 2 <= cap, "digit buffer too small");
  mpz_get_str(d, 10, z);
  size_t n = strlen(d);
  while (n > 1 && d[n - 1] == '0') { n--; (*x)++; }
  d[n] = '\0';
  return n;
}

/* How a digit string is written: sign, leading zeros, point position,
 * exponent style, blanks. */
typedef struct { int neg, plus, lead, point, dot_end, exp_force, exp_plus, exp_zeros, upper, blanks; } form;

static form rnd_form(gsl_rng *r, size_t nd)
{
  form f = { 0 };
  f.neg = coin(r, 0.3);
  f.plus = !f.neg && coin(r, 0.15);
  f.lead = coin(r, 0.2) ? (int)rnd_in(r, 1, 25) : 0;
  f.point = (int)rnd_in(r, 0, (long)nd);
  f.dot_end = coin(r, 0.2);
  f.exp_force = coin(r, 0.2);
  f.exp_plus = coin(r, 0.3);
  f.exp_zeros = coin(r, 0.1) ? (int)rnd_in(r, 1, 4) : 0;
  f.upper = coin(r, 0.3);
  f.blanks = coin(r, 0.05);
  return f;
}

/* int(d) 10^x (int(d) 2^x in hex, upper-case digits if f->upper) written in
 * form f. Returns the length. */
static size_t write_num(char *out, size_t cap, const char *d, size_t nd, long x, int hex, const form *f)
{
  size_t k = 0;
  long point = f->point < 0 ? 0 : f->point > (long)nd ? (long)nd : f->point;
  long ex = x + (long)(nd - (size_t)point) * (hex ? 4 : 1);
  PROP_CHECK(nd + (size_t)f->lead + 64 < cap, "number buffer too small");
  if (f->blanks) out[k++] = ' ';
  if (f->neg) out[k++] = '-';
  else if (f->plus) out[k++] = '+';
  if (hex) { out[k++] = '0'; out[k++] = f->upper ? 'X' : 'x'; }
  for (int i = 0; i < f->lead; i++) out[k++] = '0';
  for (long i = 0; i < (long)nd; i++) {
    if (i == point) out[k++] = '.';
    out[k++] = hex && f->upper && d[i] >= 'a' ? (char)(d[i] - 'a' + 'A') : d[i];
  }
  if (point == (long)nd && f->dot_end) out[k++] = '.';
  if (ex || f->exp_force) {
    out[k++] = hex ? (f->upper ? 'P' : 'p') : (f->upper ? 'E' : 'e');
    if (ex < 0) out[k++] = '-';
    else if (f->exp_plus) out[k++] = '+';
    for (int i = 0; i < f->exp_zeros; i++) out[k++] = '0';
    k += (size_t)snprintf(out + k, cap - k, "%ld", labs(ex));
  }
  if (f->blanks) out[k++] = '\t';
  out[k] = '\0';
  return k;
}

/* The neighbour above a >= 0 (infinity above DBL_MAX). */
static double up(double a) { return nextafter(a, INFINITY); }

/* The truth of a value that rounds to b: T_OVERFLOW beyond DBL_MAX. */
static void add_rounded(corpus *c, int fam, const char *s, size_t len, int neg, double b)
{
  if (isinf(b)) add(c, fam, T_OVERFLOW, 0, s, len);
  else add(c, fam, T_VALUE, neg ? -b : b, s, len);
}

#define DIG 1400

/* The midpoint of a >= 0 and up(a) in decimal: its exact digits in a random
 * form (truth: the even neighbour), and the same truncated to N in [19, 40]
 * digits minus / plus one unit in the last (truth: a / up(a)). */
static void add_midpoint(corpus *c, gsl_rng *r, mpz_t z, double a, int near)
{
  uint64_t m;
  int e;
  split(a, &m, &e);
  char d[DIG], out[DIG + 128];
  long x;
  size_t nd = exact_digits(z, 2 * m + 1, e - 1, d, sizeof d, &x);
  double b = up(a), even = (m & 1) ? b : a;
  form f = rnd_form(r, nd);
  f.lead = f.lead > 3 ? 3 : f.lead;
  if (!near) {
    size_t len = write_num(out, sizeof out, d, nd, x, 0, &f);
    add_rounded(c, F_HALF, out, len, f.neg, even);
    return;
  }
  size_t n = (size_t)rnd_in(r, 19, 40);
  char lo[64], hi[64];
  /* the N-digit prefix (zero-padded), and whether it is the whole value */
  int whole = nd <= n;
  for (size_t i = 0; i < n; i++) lo[i] = i < nd ? d[i] : '0';
  lo[n] = '\0';
  long xn = x + (long)nd - (long)n;
  memcpy(hi, lo, n + 1);
  /* hi = prefix + 1 unit: a carry out of the first digit adds a digit */
  size_t i = n;
  while (i > 0 && hi[i - 1] == '9') hi[--i] = '0';
  size_t nh = n;
  if (i == 0) { memmove(hi + 1, hi, n + 1); hi[0] = '1'; nh++; }
  else hi[i - 1]++;
  if (whole) { /* lo = prefix - 1 unit (the prefix is the midpoint itself) */
    i = n;
    while (lo[i - 1] == '0') lo[--i] = '9';
    lo[i - 1]--;
  }
  f.point = (int)rnd_in(r, 0, (long)n);
  size_t len = write_num(out, sizeof out, lo, n, xn, 0, &f);
  add_rounded(c, F_NEAR, out, len, f.neg, a);
  len = write_num(out, sizeof out, hi, nh, xn, 0, &f);
  add_rounded(c, F_NEAR, out, len, f.neg, b);
}

static void hex_digits(uint64_t m, char *d) { sprintf(d, "%" PRIx64, m); }

/* The midpoint of a >= 0 and up(a) in hex: exactly (truth: the even
 * neighbour), with a far nonzero digit after it (up(a)), or just below it
 * (2m then f...f: a). */
static void add_hex_midpoint(corpus *c, gsl_rng *r, double a)
{
  uint64_t m;
  int e;
  split(a, &m, &e);
  char d[64], out[160];
  int kind = (int)rnd_in(r, 0, 2), t = (int)rnd_in(r, 0, 20);
  hex_digits(kind == 2 ? 2 * m : 2 * m + 1, d);
  size_t nd = strlen(d);
  long x = e - 1;
  if (kind) {
    for (int i = 0; i < t; i++) d[nd++] = kind == 1 ? '0' : 'f';
    d[nd++] = kind == 1 ? '1' : 'f';
    d[nd] = '\0';
    x -= 4L * (t + 1);
  }
  form f = rnd_form(r, nd);
  f.point = (int)rnd_in(r, 0, 2) ? 1 : f.point;
  size_t len = write_num(out, sizeof out, d, nd, x, 1, &f);
  add_rounded(c, F_HEX, out, len, f.neg, kind == 1 ? up(a) : kind == 2 ? a : (m & 1) ? up(a) : a);
}

/* Exact ties of few digits, decided by the 128-bit product's tie rule:
 * M 2^E with M odd in (2^53, 2^54): integers in [2^53, 2^64) (q = 0), M
 * divisible by 5^q with E >= q (w 10^q, 1 <= q <= 23), and M 5^k / 10^k
 * (-4 <= q < 0). Truth: the even neighbour. */
static void add_tie(corpus *c, gsl_rng *r, int kind)
{
  uint64_t mm, w;
  long q, e;
  if (kind == 0) { /* a in [2^53, 2^64): the midpoint is an integer */
    mm = (uint64_t)1 << 53 | (rnd64(r) & (((uint64_t)1 << 53) - 1)) | 1;
    e = rnd_in(r, 0, 9);
    w = mm << e;
    q = 0;
  } else if (kind == 1) { /* w 10^q = k 5^q 2^E, M = k 5^q odd in (2^53, 2^54) */
    uint64_t p5, k, klo, khi;
    do {
      q = rnd_in(r, 1, 23);
      p5 = 1;
      for (long i = 0; i < q; i++) p5 *= 5;
      klo = ((uint64_t)1 << 53) / p5 + 1;
      khi = (((uint64_t)1 << 54) - 1) / p5;
      k = (klo + rnd64(r) % (khi - klo + 1)) | 1;
    } while (k > khi);
    mm = k * p5;
    /* w = k 2^(E - q) < 10^19 */
    long room = 0;
    while ((k << room) < UINT64_C(5000000000000000000)) room++;
    long j = rnd_in(r, 0, room);
    w = k << j;
    e = j + q;
  } else { /* M 5^k with k = -q in 1..4, below 10^19 */
    long k = rnd_in(r, 1, 4);
    uint64_t p5 = 1;
    for (long i = 0; i < k; i++) p5 *= 5;
    uint64_t mhi = UINT64_C(9999999999999999999) / p5;
    if (mhi > ((uint64_t)1 << 54) - 1) mhi = ((uint64_t)1 << 54) - 1;
    uint64_t mlo = ((uint64_t)1 << 53) + 1;
    mm = (mlo + rnd64(r) % (mhi - mlo + 1)) | 1;
    if (mm > mhi) mm -= 2;
    w = mm * p5;
    q = -k;
    e = -k;
  }
  /* neighbours (M -+ 1) 2^E; the even one of (M -+ 1) / 2 */
  uint64_t lo = (mm - 1) / 2, hi = (mm + 1) / 2;
  double truth = ldexp((double)((lo & 1) ? hi : lo), (int)e + 1);
  char d[32], out[128];
  snprintf(d, sizeof d, "%" PRIu64, w);
  size_t nd = strlen(d);
  form f = rnd_form(r, nd);
  f.lead = f.lead > 3 ? 3 : f.lead;
  size_t len = write_num(out, sizeof out, d, nd, q, 0, &f);
  add(c, F_TIE, T_VALUE, f.neg ? -truth : truth, out, len);
}

/* Random digits (the first nonzero), nd of them, value near 10^dexp. */
static size_t rnd_digits(gsl_rng *r, char *d, size_t nd)
{
  for (size_t i = 0; i < nd; i++) d[i] = (char)('0' + rnd_in(r, i == 0, 9));
  d[nd] = '\0';
  return nd;
}

static void add_printf(corpus *c, int fam, int truth, double x, const char *fmt, int prec)
{
  char out[512];
  int len = snprintf(out, sizeof out, fmt, prec, x);
  PROP_CHECK(len > 0 && (size_t)len < sizeof out, "printf buffer");
  add(c, fam, truth, x, out, (size_t)len);
}

static const char *const must_reject[] = {
  "1e", "0x", ".e1", "1.2.3", "1e+-3", ".", "+", "-", "e5", "1e5.0", "0x1p", "0x1.8p+", "1..2", "--1", "+-1",
  "1e5e5", "0x1g", "1_000", "1 000", "infx", "nanx", "in", "infinit", "nan(abc", "0x1.8p3.5", "0xp3", "0x.p3",
  "1f", "1d", "1e3f", "0b101", "1.12345/78", "1.1234567:", "1.12345678:", "12345678:", "0x1.8p-", "0x.", "+.",
  "-.e5", "1e+", "1E-", "0x1.fffffffffffffpx", "1,5", "++1", "1+", "1-1", "0xx1", "0x1.8P3p", "nan()x", "- 1",
  "1.e", ".1.", "1e1.", "0x1.g", "9\xc2\xb2", "1\xe2\x80\x89", "inf inity", "NAN(1", "\v1", "1\n",
};

/* Accepted by strtod (and documented by csv_parse_double): inf and nan. */
static const struct { const char *s; int truth; double value; } specials[] = {
  { "inf", T_VALUE, INFINITY }, { "-inf", T_VALUE, -INFINITY }, { "INF", T_VALUE, INFINITY },
  { "Infinity", T_VALUE, INFINITY }, { "-infinity", T_VALUE, -INFINITY }, { "+inf", T_VALUE, INFINITY },
  { "nan", T_NAN, 0 }, { "NaN", T_NAN, 0 }, { "-nan", T_NAN, 0 }, { "nan(123)", T_NAN, 0 }, { "nan()", T_NAN, 0 },
  { " inf\t", T_VALUE, INFINITY },
};

/* Decimal texts whose value is known: the boundaries. */
static const struct { const char *s; int truth; double value; } limits[] = {
  { "1.7976931348623157e308", T_VALUE, DBL_MAX }, { "1.7976931348623158e308", T_VALUE, DBL_MAX },
  { "1.7976931348623159e308", T_OVERFLOW, 0 },
  { "1e308", T_VALUE, 1e308 }, { "1e309", T_OVERFLOW, 0 }, { "-1e309", T_OVERFLOW, 0 }, { "0.1e310", T_OVERFLOW, 0 },
  { "1000e306", T_OVERFLOW, 0 }, { "1e400", T_OVERFLOW, 0 }, { "1e-400", T_VALUE, 0 }, { "-1e-400", T_VALUE, -0.0 },
  { "2.2250738585072014e-308", T_VALUE, DBL_MIN }, { "2.2250738585072011e-308", T_VALUE, 0x0.fffffffffffffp-1022 },
  { "2.2250738585072012e-308", T_VALUE, DBL_MIN },
  { "4.9406564584124654e-324", T_VALUE, 0x1p-1074 }, { "2.4703282292062327e-324", T_VALUE, 0 },
  { "2.4703282292062328e-324", T_VALUE, 0x1p-1074 }, { "1e-323", T_VALUE, 0x1p-1074 * 2 }, { "1e-324", T_VALUE, 0 },
  { "0e999999", T_VALUE, 0 }, { "-0.0e-99999", T_VALUE, -0.0 }, { "0x1p-1074", T_VALUE, 0x1p-1074 },
  { "0x1p-1075", T_VALUE, 0 }, { "0x1.0000000000001p-1075", T_VALUE, 0x1p-1074 }, { "0x3p-1076", T_VALUE, 0x1p-1074 },
  { "0x1.fffffffffffffp1023", T_VALUE, DBL_MAX }, { "0x1.fffffffffffff8p1023", T_OVERFLOW, 0 },
  { "0x1.fffffffffffff7ffffffffp1023", T_VALUE, DBL_MAX }, { "0x1p1024", T_OVERFLOW, 0 },
  { "0x1p99999", T_OVERFLOW, 0 }, { "0x1p-99999", T_VALUE, 0 }, { "-0x0p-99999", T_VALUE, -0.0 },
  { "0x1.8p3", T_VALUE, 12 }, { "0X.8P-1", T_VALUE, 0.25 },
  { "0x.0000000000000000000000001p0", T_VALUE, 0x1p-100 }, { "0x1P+3", T_VALUE, 8 }, { "0x1.8", T_VALUE, 1.5 },
  { "0xA", T_VALUE, 10 }, { "0x1.p3", T_VALUE, 8 }, { "0x1.0000000000000800000000001p0", T_VALUE, 0x1.0000000000001p0 },
  { "0x1.00000000000008p0", T_VALUE, 1 }, { "0x1.00000000000018p0", T_VALUE, 0x1.0000000000002p0 },
  { "0x1.000000000000080000000000000000000000p0", T_VALUE, 1 }, { "0xffffffffffffffffffffffffp0", T_VALUE, 0x1p96 },
  { "00000000000000000000000000001", T_VALUE, 1 }, { "+.5e-3", T_VALUE, 0.5e-3 }, { "-0", T_VALUE, -0.0 },
  { "9007199254740993", T_VALUE, 9007199254740992.0 }, { "9007199254740995", T_VALUE, 9007199254740996.0 },
  { "9007199254740993e0", T_VALUE, 9007199254740992.0 }, { "900719925474099.3e1", T_VALUE, 9007199254740992.0 },
  { "4503599627370496.5", T_VALUE, 4503599627370496.0 }, { "4503599627370497.5", T_VALUE, 4503599627370498.0 },
  { "1.00000000000000011102230246251565404236316680908203125", T_VALUE, 1 },
  { "1.00000000000000011102230246251565404236316680908203126", T_VALUE, 0x1.0000000000001p0 },
  { "1.00000000000000011102230246251565404236316680908203124", T_VALUE, 1 },
};

/* A text with one or two random edits (insert, delete, replace). */
static size_t mutate(gsl_rng *r, const char *s, size_t len, char *out, size_t cap)
{
  static const char alpha[] = "0123456789.eEpPxX+-/:aAfFgG nNiI\t";
  PROP_CHECK(len + 3 < cap, "edit buffer");
  memcpy(out, s, len);
  int edits = (int)rnd_in(r, 1, 2);
  for (int k = 0; k < edits; k++) {
    char ch = alpha[gsl_rng_uniform_int(r, sizeof alpha - 1)];
    size_t at = len ? (size_t)gsl_rng_uniform_int(r, len) : 0;
    int op = (int)rnd_in(r, 0, 2);
    if (op == 0 || !len) { memmove(out + at + 1, out + at, len - at); out[at] = ch; len++; }
    else if (op == 1) { memmove(out + at, out + at + 1, len - at - 1); len--; }
    else out[at] = ch;
  }
  out[len] = '\0';
  return len;
}

typedef struct { unsigned long g17, g17_log, g16, gn, lng, hex_a, hex, half, tie, limit, form, reject; } sizes;

static void build(corpus *c, unsigned long seed, const sizes *z)
{
  gsl_rng *r = prop_rng(seed, 71);
  mpz_t t;
  mpz_init(t);
  char d[DIG], out[DIG + 128];
  for (unsigned long i = 0; i < z->g17; i++) {
    double x = rnd_finite(r);
    add_printf(c, F_G17_BITS, T_VALUE, x, "%.*g", 17);
  }
  for (unsigned long i = 0; i < z->g17_log; i++) {
    double x = prop_log_uniform(r, -307.5, 307.5, 1);
    add_printf(c, F_G17_LOG, T_VALUE, x, "%.*g", 17);
  }
  for (unsigned long i = 0; i < z->g16; i++) {
    double x = coin(r, 0.5) ? rnd_finite(r) : prop_log_uniform(r, -307.5, 307.5, 1);
    add_printf(c, F_G16, T_NONE, x, "%.*g", 16);
  }
  for (unsigned long i = 0; i < z->gn; i++) {
    if (coin(r, 0.8)) {
      double x = coin(r, 0.5) ? rnd_finite(r) : prop_log_uniform(r, -307.5, 307.5, 1);
      const char *fmt = coin(r, 0.5) ? "%.*g" : "%.*e";
      add_printf(c, F_GN, T_NONE, x, fmt, (int)rnd_in(r, 1, 17));
    } else {
      double x = prop_log_uniform(r, -5, 40, 1);
      add_printf(c, F_GN, T_NONE, x, "%.*f", (int)rnd_in(r, 0, 5));
    }
  }
  for (unsigned long i = 0; i < z->lng; i++) {
    if (coin(r, 0.5)) {
      double x = coin(r, 0.5) ? rnd_finite(r) : prop_log_uniform(r, -307.5, 307.5, 1);
      add_printf(c, F_LONG, T_NONE, x, "%.*g", (int)rnd_in(r, 18, 40));
    } else {
      size_t nd = rnd_digits(r, d, (size_t)rnd_in(r, 19, coin(r, 0.9) ? 40 : 60));
      long dexp = rnd_in(r, -345, 310);
      form f = rnd_form(r, nd);
      size_t len = write_num(out, sizeof out, d, nd, dexp - (long)nd + 1, 0, &f);
      add(c, F_LONG, T_NONE, 0, out, len);
    }
  }
  for (unsigned long i = 0; i < z->hex_a; i++) {
    double x = rnd_finite(r);
    int k = (int)rnd_in(r, 0, 7);
    if (k < 7) add_printf(c, F_HEX_A, T_VALUE, x, k < 6 ? "%.*a" : "%.*A", -1);
    else add_printf(c, F_HEX_A, T_NONE, x, "%.*a", (int)rnd_in(r, 0, 13));
  }
  for (unsigned long i = 0; i < z->hex; i++) {
    if (coin(r, 0.5)) { add_hex_midpoint(c, r, rnd_double(r)); continue; }
    /* random digits: up to 16 significant, then a tail (random, or zeros
     * then 1: the sticky bit) */
    int bits = (int)rnd_in(r, 1, 64);
    uint64_t m = rnd64(r) >> (64 - bits) | (uint64_t)1 << (bits - 1);
    hex_digits(m, d);
    size_t nd = strlen(d);
    if (coin(r, 0.5)) {
      int t = (int)rnd_in(r, 1, 14), sticky = coin(r, 0.5);
      for (int k = 0; k < t; k++) d[nd++] = sticky ? (k == t - 1 ? '1' : '0') : "0123456789abcdef"[rnd_in(r, 0, 15)];
      d[nd] = '\0';
    }
    long lead = rnd_in(r, -1130, 1030);
    form f = rnd_form(r, nd);
    size_t len = write_num(out, sizeof out, d, nd, lead - 4 * (long)nd, 1, &f);
    add(c, F_HEX, T_NONE, 0, out, len);
  }
  for (unsigned long i = 0; i < z->half; i++) {
    double a = rnd_double(r);
    add_midpoint(c, r, t, a, 0);
    add_midpoint(c, r, t, a, 1);
  }
  static const double edges[] = { 0, 0x1p-1074, 0x1p-1073, 0x0.fffffffffffffp-1022, 0x1p-1022, DBL_MAX,
                                   0x1.ffffffffffffep1023, 1, 0x1p53, 0x1p63, 0x1.fffffffffffffp63, 0.1 };
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
    add_midpoint(c, r, t, edges[i], 0);
    add_midpoint(c, r, t, edges[i], 1);
    add_hex_midpoint(c, r, edges[i]);
  }
  for (unsigned long i = 0; i < z->tie; i++) add_tie(c, r, (int)(i % 3));
  for (unsigned long i = 0; i < z->limit; i++) {
    double x;
    int k = (int)rnd_in(r, 0, 3);
    if (k == 0) { /* around 2^-1022 */
      double u = gsl_rng_uniform(r);
      x = ldexp(1 + u, (int)rnd_in(r, -1024, -1022));
    } else if (k == 1) { /* subnormal */
      uint64_t b = rnd64(r) >> 12;
      memcpy(&x, &b, sizeof x);
    } else if (k == 2) { /* up to DBL_MAX */
      x = ldexp(1 + gsl_rng_uniform(r), 1023);
    } else { /* digits near the exponent limits */
      size_t nd = rnd_digits(r, d, (size_t)rnd_in(r, 1, 25));
      long dexp = coin(r, 0.5) ? rnd_in(r, -345, -300) : rnd_in(r, 300, 310);
      form f = rnd_form(r, nd);
      size_t len = write_num(out, sizeof out, d, nd, dexp - (long)nd + 1, 0, &f);
      add(c, F_LIMIT, T_NONE, 0, out, len);
      continue;
    }
    int p = (int)rnd_in(r, 0, 3);
    if (p == 0) add_printf(c, F_LIMIT, T_VALUE, x, "%.*g", 17);
    else if (p == 1) add_printf(c, F_LIMIT, T_NONE, x, "%.*g", (int)rnd_in(r, 1, 25));
    else add_midpoint(c, r, t, x, p == 3);
  }
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
    add_str(c, F_LIMIT, limits[i].truth, limits[i].value, limits[i].s);
  /* fields of a million zeros and the exponent that undoes them: read right
   * (15000), and with an 8-digit exponent whose first 7 digits would undo
   * them (an exponent clamped at 10^6 reads 15 and 1.5e18 there) */
  {
    size_t zeros = 1200000, n = zeros + 64;
    char *big = malloc(n);
    PROP_CHECK(big != NULL, "out of memory");
    memcpy(big, "0.", 2);
    memset(big + 2, '0', zeros);
    int len = snprintf(big + 2 + zeros, n - 2 - zeros, "15e%zu", zeros + 5);
    add(c, F_LIMIT, T_VALUE, 15000.0, big, 2 + zeros + (size_t)len);
    len = snprintf(big + 2 + zeros, n - 2 - zeros, "15e-%d", 400);
    add(c, F_LIMIT, T_VALUE, 0, big, 2 + zeros + (size_t)len);
    zeros = 1000001; /* q = -1000003 */
    len = snprintf(big + 2 + zeros, n - 2 - zeros, "15e%zu5", zeros + 2);
    add(c, F_LIMIT, T_OVERFLOW, 0, big, 2 + zeros + (size_t)len);
    zeros = 1000017; /* "15" and the zeros: w = 15 10^17, q = 1000000 */
    memcpy(big, "15", 2);
    memset(big + 2, '0', zeros);
    len = snprintf(big + 2 + zeros, n - 2 - zeros, "e-%zu5", zeros - 17);
    add(c, F_LIMIT, T_VALUE, 0, big, 2 + zeros + (size_t)len);
    free(big);
  }
  for (unsigned long i = 0; i < z->form; i++) {
    double x = rnd_double(r);
    char e17[64];
    snprintf(e17, sizeof e17, "%.16e", x);
    size_t nd = 0;
    for (const char *p = e17; *p && *p != 'e'; p++) if (*p != '.') d[nd++] = *p;
    long dexp = strtol(strchr(e17, 'e') + 1, NULL, 10);
    int tz = coin(r, 0.3) ? (int)rnd_in(r, 1, 25) : 0;
    for (int k = 0; k < tz; k++) d[nd++] = '0';
    d[nd] = '\0';
    form f = rnd_form(r, nd);
    f.blanks = coin(r, 0.1);
    size_t len = write_num(out, sizeof out, d, nd, dexp - (long)nd + 1, 0, &f);
    add(c, F_FORM, T_VALUE, f.neg ? -x : x, out, len);
  }
  for (size_t i = 0; i < sizeof must_reject / sizeof *must_reject; i++) add_str(c, F_REJECT, T_BAD, 0, must_reject[i]);
  for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
    add_str(c, F_REJECT, specials[i].truth, specials[i].value, specials[i].s);
  size_t before = c->n;
  for (unsigned long i = 0; i < z->reject;) {
    const entry *src = &c->e[gsl_rng_uniform_int(r, before)];
    if (src->len > 200) continue;
    size_t len = mutate(r, c->text + src->off, src->len, out, sizeof out);
    add(c, F_REJECT, T_NONE, 0, out, len);
    i++;
  }
  mpz_clear(t);
  gsl_rng_free(r);
}

/* ---- the comparison ---------------------------------------------------------- */

/* strtod's reading of a field (refereed: its value checked by MPFR), as csv_parse_double documents it: blanks
 * trimmed, the whole text used, a finite literal beyond DBL_MAX rejected. */
static int oracle(const char *s, size_t len, char **buf, size_t *cap, int refereed, double *x)
{
  size_t a = 0, b = len;
  while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
  *x = NAN;
  if (a == b || !memchr("+-.0123456789iInN", s[a], 17)) return CSV_NUM_BAD;
  *buf = grow(*buf, cap, b - a + 1, 1);
  memcpy(*buf, s + a, b - a);
  (*buf)[b - a] = '\0';
  char *end;
  errno = 0;
  double v = strtod(*buf, &end);
  if (end != *buf + (b - a)) return CSV_NUM_BAD;
  if (errno == ERANGE && isinf(v)) return CSV_NUM_OVERFLOW;
  /* glibc's strtod reads some long hex subnormals one ulp off: MPFR's one
   * correct rounding is the value (strtod still decides the syntax) */
  double m = refereed && isfinite(v) ? mpref_read_double(*buf, &end) : v;
  *x = isfinite(m) && end == *buf + (b - a) ? m : v;
  return CSV_NUM_OK;
}

/* A parser under test: CSV_NUM_* or UNDECIDED (left to strtod). */
enum { UNDECIDED = 1 };
typedef struct parser parser;
struct parser {
  const char *name;
  int (*parse)(const parser *p, const char *s, size_t len, size_t index, double *x);
  char **buf;
  size_t *cap;
};

static int p_csv(const parser *p, const char *s, size_t len, size_t index, double *x)
{
  (void)p; (void)index;
  return csv_parse_double(s, len, x);
}

static int p_csvnum(const parser *p, const char *s, size_t len, size_t index, double *x)
{
  (void)p; (void)index;
  while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  int st = csvnum_parse(s, len, x);
  return st == CSVNUM_DONE ? CSV_NUM_OK : st == CSVNUM_OVERFLOW ? CSV_NUM_OVERFLOW : UNDECIDED;
}

/* Controls. A parser whose result is one bit off on 1 input in 997 (the
 * first is a %.17g print, so there is always one). */
static int corrupt(size_t index) { return index % 997 == 0; }
static int p_flip(const parser *p, const char *s, size_t len, size_t index, double *x)
{
  (void)p;
  int st = csv_parse_double(s, len, x);
  if (st == CSV_NUM_OK && isfinite(*x) && corrupt(index)) {
    uint64_t b;
    memcpy(&b, x, sizeof b);
    b ^= 1;
    memcpy(x, &b, sizeof b);
  }
  return st;
}
/* strtod rounding toward zero. */
static int p_rz(const parser *p, const char *s, size_t len, size_t index, double *x)
{
  (void)index;
  int old = fegetround();
  fesetround(FE_TOWARDZERO);
  int st = oracle(s, len, p->buf, p->cap, 0, x); /* strtod's own rounding */
  fesetround(old);
  return st;
}

typedef struct { unsigned long n, decided, diff, truth_n, truth_diff; } tally;
typedef struct {
  tally fam[F_COUNT], all;
  char first[1024]; /* the first differences */
} result;

static int same(int st, double x, int wst, double w)
{
  if (st != wst) return 0;
  if (st != CSV_NUM_OK) return 1;
  if (isnan(x) || isnan(w)) return isnan(x) && isnan(w);
  return !memcmp(&x, &w, sizeof x);
}

static void note(result *res, const corpus *c, const entry *e, const char *what, int st, double x, int wst, double w)
{
  size_t k = strlen(res->first);
  if (k > 700) return;
  char text[64]; /* the first 60 bytes, printable ASCII only */
  size_t n = e->len > 60 ? 60 : e->len;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)c->text[e->off + i];
    text[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
  }
  text[n] = '\0';
  snprintf(res->first + k, sizeof res->first - k, "[%s '%s%s': %d %a, want %d %a] ", what, text,
           e->len > 60 ? "..." : "", st, x, wst, w);
}

/* Every entry of the families in mask through p, against strtod (and against
 * the known value where there is one). */
static void compare(const corpus *c, const parser *p, unsigned mask, char **buf, size_t *cap, result *res)
{
  memset(res, 0, sizeof *res);
  for (size_t i = 0; i < c->n; i++) {
    const entry *e = &c->e[i];
    if (!(mask >> e->fam & 1)) continue;
    const char *s = c->text + e->off;
    double w, x;
    int wst = oracle(s, e->len, buf, cap, 1, &w);
    int st = p->parse(p, s, e->len, i, &x);
    tally *t = &res->fam[e->fam];
    t->n++;
    if (st != UNDECIDED) {
      t->decided++;
      if (!same(st, x, wst, w)) { t->diff++; note(res, c, e, p->name, st, x, wst, w); }
    }
    if (e->truth != T_NONE) {
      int tst = e->truth == T_OVERFLOW ? CSV_NUM_OVERFLOW : e->truth == T_BAD ? CSV_NUM_BAD : CSV_NUM_OK;
      double tv = e->truth == T_NAN ? NAN : e->value;
      int ok = same(wst, w, tst, tv) && (st == UNDECIDED || same(st, x, tst, tv));
      t->truth_n++;
      if (!ok) { t->truth_diff++; note(res, c, e, "known value", st, x, tst, tv); }
    }
  }
  for (int f = 0; f < F_COUNT; f++) {
    res->all.n += res->fam[f].n;
    res->all.decided += res->fam[f].decided;
    res->all.diff += res->fam[f].diff;
    res->all.truth_n += res->fam[f].truth_n;
    res->all.truth_diff += res->fam[f].truth_diff;
  }
}

/* ---- the decimal core on w < 2^64 ------------------------------------------- */

/* ties: the exact ties at -4 <= q < 0 (all left to strtod today: see csvnum_decimal) */
typedef struct { unsigned long n, done, diff, ties, tie_done; char first[512]; } core_tally;

static void core_one(core_tally *t, uint64_t w, long q, int is_tie)
{
  char s[64];
  snprintf(s, sizeof s, "%" PRIu64 "e%ld", w, q);
  errno = 0;
  double want = strtod(s, NULL), x = NAN;
  int st = csvnum_decimal(w, q, &x);
  t->n++;
  t->ties += (unsigned long)is_tie;
  if (st != CSVNUM_DONE) return;
  t->done++;
  t->tie_done += (unsigned long)is_tie;
  if (memcmp(&x, &want, sizeof x)) {
    t->diff++;
    size_t k = strlen(t->first);
    if (k < 400) snprintf(t->first + k, sizeof t->first - k, "[%s: %a, strtod %a] ", s, x, want);
  }
}

static void run_core(unsigned long seed, unsigned long n, core_tally *t)
{
  gsl_rng *r = prop_rng(seed, 72);
  memset(t, 0, sizeof *t);
  for (unsigned long i = 0; i < n; i++) {
    int bits = (int)rnd_in(r, 1, 64);
    uint64_t w = rnd64(r) >> (64 - bits) | (uint64_t)1 << (bits - 1);
    long q = coin(r, 0.05) ? rnd_in(r, -400, 400) : rnd_in(r, CSVNUM_QMIN, CSVNUM_QMAX);
    core_one(t, w, q, 0);
    if (w > 1) core_one(t, w - 1, q, 0);
  }
  /* exact ties with w up to 2^64: (i) integers M 2^j, (ii) M 5^k 2^j 10^-k */
  for (unsigned long i = 0; i < n / 4; i++) {
    uint64_t m = (uint64_t)1 << 53 | (rnd64(r) & (((uint64_t)1 << 53) - 1)) | 1;
    long k = rnd_in(r, 0, 4);
    uint64_t w = m;
    for (long j = 0; j < k; j++) w *= 5;
    long room = 0;
    while (room < 10 && w << (room + 1) >> (room + 1) == w) room++;
    w <<= rnd_in(r, 0, room);
    core_one(t, w, -k, k > 0);
  }
  gsl_rng_free(r);
}

/* ---- the table of 5^q ------------------------------------------------------- */

static int check_pow5(char *msg, size_t len)
{
  mpz_t num, den, a, b, t;
  mpz_inits(num, den, a, b, t, NULL);
  int bad = 0;
  for (int q = CSVNUM_QMIN; q <= CSVNUM_QMAX; q++) {
    /* 5^q = num / den */
    mpz_set_ui(num, 1);
    mpz_set_ui(den, 1);
    mpz_ui_pow_ui(q >= 0 ? num : den, 5, (unsigned long)abs(q));
    /* e5 = floor(log2 5^q): the largest e with 2^e <= num / den, i.e.
     * num 2^max(0,-e) >= den 2^max(0,e) */
    long e5 = (long)mpz_sizeinbase(num, 2) - (long)mpz_sizeinbase(den, 2) + 1;
    for (;; e5--) {
      mpz_mul_2exp(a, num, (mp_bitcnt_t)(e5 < 0 ? -e5 : 0));
      mpz_mul_2exp(b, den, (mp_bitcnt_t)(e5 > 0 ? e5 : 0));
      if (mpz_cmp(a, b) >= 0) break;
    }
    /* T = floor(5^q 2^(127 - e5)) */
    long sh = 127 - e5;
    mpz_mul_2exp(a, num, (mp_bitcnt_t)(sh > 0 ? sh : 0));
    mpz_mul_2exp(b, den, (mp_bitcnt_t)(sh < 0 ? -sh : 0));
    mpz_fdiv_q(t, a, b);
    const csvnum_pow5 *p = &csvnum_pow5_table[q - CSVNUM_QMIN];
    uint64_t limbs[2] = { p->hi, p->lo };
    mpz_import(a, 2, 1, sizeof limbs[0], 0, 0, limbs);
    if (mpz_cmp(a, t) || p->e5 != e5 || mpz_sizeinbase(t, 2) != 128) {
      if (!bad)
        snprintf(msg, len, "q = %d: table { %#" PRIx64 ", %#" PRIx64 ", %d }, GMP e5 %ld", q, p->hi, p->lo, p->e5, e5);
      bad++;
    }
  }
  mpz_clears(num, den, a, b, t, NULL);
  return bad;
}

/* ---- the test ------------------------------------------------------------------ */

static unsigned long scaled(unsigned long n) { return prop_points(n); }
/* The samples of the fast-path share stay large at any DMC_POINTS_SCALE: at
 * 2000 prints a share of 99% is 20 deferrals, against about 1 expected. */
static unsigned long floored(unsigned long n) { return prop_points(n) < 1000 ? 1000 : prop_points(n); }

static void test_against_strtod(void **state)
{
  prop_fixture *fx = *state;
  sizes z = { floored(15000), floored(15000), scaled(6000), scaled(8000), scaled(8000), floored(10000),
              scaled(8000), scaled(3000), scaled(6000), scaled(3000), scaled(8000), scaled(6000) };
  corpus c = { 0 };
  build(&c, fx->seed, &z);
  char *buf = NULL;
  size_t cap = 0;
  unsigned all = (1u << F_COUNT) - 1;
  parser csv = { "csv_parse_double", p_csv, &buf, &cap }, num = { "csvnum_parse", p_csvnum, &buf, &cap };
  result rc, rn;
  compare(&c, &csv, all, &buf, &cap, &rc);
  compare(&c, &num, all, &buf, &cap, &rn);

  uint64_t h = 1469598103934665603u; /* FNV-1a of the corpus: the same on every compiler */
  for (size_t i = 0; i < c.tlen; i++) h = (h ^ (unsigned char)c.text[i]) * 1099511628211u;
  printf("%s: corpus of %zu texts, %zu bytes, FNV-1a %016" PRIx64 "\n", PROGRAM, c.n, c.tlen, h);
  printf("%-32s %7s %9s %6s %6s\n", "family", "inputs", "csvnum %", "diffs", "known");
  for (int f = 0; f < F_COUNT; f++)
    printf("%-32s %7lu %9.3f %6lu %6lu\n", family_name[f], rn.fam[f].n,
           100.0 * (double)rn.fam[f].decided / (double)(rn.fam[f].n ? rn.fam[f].n : 1),
           rc.fam[f].diff + rn.fam[f].diff, rc.fam[f].truth_n);
  unsigned long diffs = rc.all.diff + rn.all.diff;
  printf("%s: max observed over %lu inputs: %lu differences (csv_parse_double %lu, csvnum_parse %lu where it decided "
         "alone, %lu inputs); known values: %lu of %lu wrong\n",
         PROGRAM, rc.all.n, diffs, rc.all.diff, rn.all.diff, rn.all.decided, rc.all.truth_diff, rc.all.truth_n);
  evidence_row(fx->ev, CLAIM, "behaviour", diffs == 0, CHECK_STRTOD, rc.all.n, fx->seed,
               "max observed over %lu inputs of %d families: %lu differences (csv_parse_double %lu; csvnum_parse %lu "
               "in the %lu it decided alone)%s%s%s", rc.all.n, F_COUNT, diffs, rc.all.diff, rn.all.diff,
               rn.all.decided, diffs ? ": " : "", rc.first, rn.first);
  evidence_row(fx->ev, CLAIM, "behaviour", rc.all.truth_diff == 0,
               "known values (a %.17g or %a print is its double; a midpoint rounds to the even neighbour, +-1 in digit "
               "19-40 to its side; the boundaries) read by strtod and csv_parse_double", rc.all.truth_n, fx->seed,
               "%lu of %lu wrong%s%s", rc.all.truth_diff, rc.all.truth_n, rc.all.truth_diff ? ": " : "", rc.first);

  /* csvnum decides the common forms alone */
  unsigned long g17 = 0, g17_done = 0;
  for (size_t i = 0; i < c.n; i++) {
    const entry *e = &c.e[i];
    if (e->fam != F_G17_BITS && e->fam != F_G17_LOG) continue;
    if (!(fabs(e->value) >= DBL_MIN && fabs(e->value) <= DBL_MAX)) continue;
    double x;
    g17++;
    g17_done += csvnum_parse(c.text + e->off, e->len, &x) == CSVNUM_DONE;
  }
  double share17 = (double)g17_done / (double)g17,
         share_a = (double)rn.fam[F_HEX_A].decided / (double)rn.fam[F_HEX_A].n;
  int fast_ok = share17 >= 0.99 && share_a >= 0.99;
  printf("%s: csvnum decided alone %lu of %lu %%.17g prints of normal doubles (%.4f%%), %lu of %lu %%a (%.4f%%)\n",
         PROGRAM, g17_done, g17, 100 * share17, rn.fam[F_HEX_A].decided, rn.fam[F_HEX_A].n, 100 * share_a);
  evidence_row(fx->ev, CLAIM, "behaviour", fast_ok,
               "csvnum decides >= 99% of %.17g prints of normal doubles and of %a prints without strtod",
               g17 + rn.fam[F_HEX_A].n, fx->seed, "%%.17g: %lu of %lu (%.4f%%); %%a: %lu of %lu (%.4f%%)",
               g17_done, g17, 100 * share17, rn.fam[F_HEX_A].decided, rn.fam[F_HEX_A].n, 100 * share_a);

  /* control 1: one bit wrong in 1 result of 997 */
  parser flip = { "one bit flipped in 1/997", p_flip, &buf, &cap };
  result rf;
  compare(&c, &flip, all, &buf, &cap, &rf);
  unsigned long flipped = 0;
  for (size_t i = 0; i < c.n; i++) {
    double x;
    flipped += corrupt(i) && csv_parse_double(c.text + c.e[i].off, c.e[i].len, &x) == CSV_NUM_OK && isfinite(x);
  }
  int flip_rej = flipped > 0 && rf.all.diff == flipped;
  evidence_row(fx->ev, CLAIM, "control", flip_rej, CHECK_STRTOD, rf.all.n, fx->seed,
               "csv_parse_double with the last bit of 1 result in 997 flipped: %lu of %lu corrupted results flagged",
               rf.all.diff, flipped);
  /* control 2: strtod rounding toward zero, on the midpoints and ties */
  parser rz = { "strtod rounding toward zero", p_rz, &buf, &cap };
  result rr;
  compare(&c, &rz, 1u << F_HALF | 1u << F_NEAR | 1u << F_TIE, &buf, &cap, &rr);
  int rz_rej = rr.all.diff > rr.all.n / 10;
  evidence_row(fx->ev, CLAIM, "control", rz_rej, CHECK_STRTOD, rr.all.n, fx->seed,
               "strtod rounding toward zero on the midpoints, near-midpoints and ties: %lu of %lu flagged",
               rr.all.diff, rr.all.n);
  printf("%s: controls: %lu of %lu flipped results flagged; rounding toward zero: %lu of %lu flagged\n", PROGRAM,
         rf.all.diff, flipped, rr.all.diff, rr.all.n);

  free(buf);
  free(c.text);
  free(c.e);
  PROP_CHECK(diffs == 0, "%lu differences from strtod: %s%s", diffs, rc.first, rn.first);
  PROP_CHECK(rc.all.truth_diff == 0, "%lu known values wrong: %s", rc.all.truth_diff, rc.first);
  PROP_CHECK(fast_ok, "csvnum decided alone only %.4f of %%.17g and %.4f of %%a", share17, share_a);
  PROP_CHECK(flip_rej, "control: %lu of %lu flipped results flagged", rf.all.diff, flipped);
  PROP_CHECK(rz_rej, "control: rounding toward zero flagged %lu of %lu", rr.all.diff, rr.all.n);
}

static void test_decimal_core(void **state)
{
  prop_fixture *fx = *state;
  core_tally t;
  run_core(fx->seed, scaled(20000), &t);
  printf("%s: csvnum_decimal on %lu (w < 2^64, q) pairs: decided %lu, %lu differences from strtod; exact ties at "
         "-4 <= q < 0: %lu, decided %lu\n", PROGRAM, t.n, t.done, t.diff, t.ties, t.tie_done);
  evidence_row(fx->ev, CLAIM, "behaviour", t.diff == 0 && t.done > t.n / 2,
               "csvnum_decimal(w, q), w < 2^64, q in [-400, 400] and exact ties, against strtod where it decides",
               t.n, fx->seed, "%lu decided, %lu differences%s%s", t.done, t.diff, t.diff ? ": " : "", t.first);
  PROP_CHECK(t.diff == 0 && t.done > t.n / 2, "csvnum_decimal: %lu of %lu decided, %lu differences: %s", t.done, t.n,
             t.diff, t.first);
}

static void test_pow5_table(void **state)
{
  prop_fixture *fx = *state;
  char msg[256] = "";
  int bad = check_pow5(msg, sizeof msg);
  int n = CSVNUM_QMAX - CSVNUM_QMIN + 1;
  evidence_row(fx->ev, CLAIM, "behaviour", bad == 0,
               "pow5_table.c: every 5^q (q in [-342, 308]) truncated to 128 bits, recomputed with GMP",
               (unsigned long)n, fx->seed, "%d of %d entries differ%s%s", bad, n, bad ? ": " : "", msg);
  PROP_CHECK(bad == 0, "pow5 table: %d entries differ: %s", bad, msg);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pow5_table),
    cmocka_unit_test(test_decimal_core),
    cmocka_unit_test(test_against_strtod),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
