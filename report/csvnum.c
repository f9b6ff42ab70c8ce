/* csvnum.c -- see csvnum.h.
 *
 * Error contract of the decimal core (csvnum_decimal). With w normalised to
 * [2^63, 2^64) by a left shift lz and T the table's truncated 5^q,
 * 5^q = (T + eps) 2^(e5 - 127) with 0 <= eps < 1, so
 *   w_0 10^q = w (T + eps) 2^(q + e5 - 127 - lz).
 * P = w T < 2^192 is computed exactly as three 64-bit limbs (high, low,
 * lowest); the exact product w (T + eps) exceeds P by w eps < 2^64, so in
 * units of `low` the exact value lies in [high:low, high:low + 2). high is in
 * [2^62, 2^64); its top 54 bits from bit 53 + upper (upper: bit 63 set) are
 * the significand and the round bit. The round bit is final unless the bits
 * below it are all ones in high and low >= 2^64 - 2 (a carry may come):
 * deferred. A tie (round bit 1, nothing below) is exact only if P is: T is
 * exact for 0 <= q <= 55, and then eps = 0 and the three limbs decide. A tie
 * is impossible for q > 23 (5^q has more than 54 significant bits) and for
 * q < -4 (5^-q divides w_0 < 2^64 only if 5^-q < 2^64, and then w_0 / 5^-q
 * < 2^53); for -4 <= q < 0 a computed tie pattern (nothing below the round
 * bit but low <= 1) is deferred, a guard that cannot fire (proof at it in
 * csvnum_decimal: such ties fall in the carry window and are deferred there).
 * Results below 2^-1022 (where the 53-bit rounding would round twice) or
 * above DBL_MAX are deferred. */
#include "csvnum.h"

#include <string.h>

typedef struct { uint64_t hi, lo; } u128;

static u128 mul64(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
  unsigned __int128 p = (unsigned __int128)a * b;
  return (u128){ (uint64_t)(p >> 64), (uint64_t)p };
#else
  uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  return (u128){ p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xffffffffu) };
#endif
}

static int clz64(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_clzll(x);
#else
  int n = 0;
  while (!(x >> 63)) { x <<= 1; n++; }
  return n;
#endif
}

static double from_bits(uint64_t b)
{
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}

static const double exact_pow10[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

int csvnum_decimal(uint64_t w, int64_t q, double *out)
{
  if (w <= ((uint64_t)1 << 53) && q >= -22 && q <= 22) { /* Clinger: both exact, one rounding */
    double x = (double)w;
    *out = q >= 0 ? x * exact_pow10[q] : x / exact_pow10[-q];
    return CSVNUM_DONE;
  }
  if (q < CSVNUM_QMIN || q > CSVNUM_QMAX) return CSVNUM_DEFER;
  const csvnum_pow5 *t = &csvnum_pow5_table[q - CSVNUM_QMIN];
  int lz = clz64(w);
  w <<= lz;
  u128 a = mul64(w, t->hi), b = mul64(w, t->lo);
  uint64_t low = a.lo + b.hi, high = a.hi + (low < a.lo), lowest = b.lo;
  int upper = (int)(high >> 63), shift = 9 + upper;
  uint64_t below = high & (((uint64_t)1 << shift) - 1);
  if (below == ((uint64_t)1 << shift) - 1 && low >= UINT64_MAX - 1) return CSVNUM_DEFER;
  uint64_t m54 = high >> shift, mant = m54 >> 1;
  if (m54 & 1) {
    int tie_pattern = below == 0 && low == 0 && lowest == 0;
    /* Unreachable, kept as a guard. For -4 <= q < 0 (k = -q) the value is
     * v = w_0 / 10^k with w_0 < 2^64, and 5^q is not dyadic: eps > 0.
     * (a) If v is a midpoint, w (T + eps) is exactly high:0:0 with the
     * round bit set; P = w T lies below it by w eps, more than 0 and less
     * than one unit of `low`, so P's high:low is that minus one: round bit
     * 0, all ones below it, low = 2^64 - 1, deferred by the carry test
     * above. (b) Otherwise this pattern puts v less than 3 units of `low`
     * (under 2^-71 ulp) above a midpoint; but with ulp 2^g (g <= 11, as
     * v < 2^64), v minus a midpoint is a nonzero multiple of 10^-k (g >= 1)
     * or of 2^(g-1) / 10^k (g < 1): at least 2^-25 ulp. test_csvnum feeds
     * such ties (all deferred); mutant vec.csvnum.tie_defer_unreachable
     * drops this line and is equivalent. */
    if (q >= -4 && q < 0 && below == 0 && low <= 1) return CSVNUM_DEFER;
    int tie = tie_pattern && q >= 0 && q <= 55;
    if (!tie || (mant & 1)) mant++;
  }
  int64_t e = shift + 2 + q + t->e5 - lz; /* value = mant 2^e */
  if (mant == (uint64_t)1 << 53) { mant >>= 1; e++; }
  int64_t biased = e + 52 + 1023;
  if (biased < 1 || biased > 2046) return CSVNUM_DEFER;
  *out = from_bits((uint64_t)biased << 52 | (mant & (((uint64_t)1 << 52) - 1)));
  return CSVNUM_DONE;
}

static int digit(char c) { return c >= '0' && c <= '9'; }

/* The value of the 8 decimal digits at p, or -1 if they are not 8 digits
 * (SWAR, as in Lemire's fast_float; little-endian only, else -1 always). */
static int64_t eight_digits(const char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  memcpy(&v, p, 8);
  if (((v & 0xf0f0f0f0f0f0f0f0u) | (((v + 0x0606060606060606u) & 0xf0f0f0f0f0f0f0f0u) >> 4)) != 0x3333333333333333u)
    return -1;
  v -= 0x3030303030303030u;
  v = v * 10 + (v >> 8);
  v = ((v & 0x000000ff000000ffu) * (100 + (1000000ull << 32)) +
       ((v >> 16) & 0x000000ff000000ffu) * (1 + (10000ull << 32))) >> 32;
  return (int64_t)(uint32_t)v;
#else
  (void)p;
  return -1;
#endif
}

/* The value of a hex digit, -1 for any other byte. A table, not tests: in
 * %a output digits and letters come at random, and a mispredicted branch
 * per digit was most of the cost of reading hex. */
static const signed char hex_digit[256] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
  -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int hexval(char c) { return hex_digit[(unsigned char)c]; }

static int exponent(const char *s, size_t len, size_t i, int64_t *e);

/* [+-] digits: the exponent after e or p, clamped at about 10^18: the digits
 * shift the exponent by at most 4 per character, and no text in memory has
 * 10^17 characters, so a clamped exponent still decides the result alone;
 * -1 if no digit or text follows. (At 10^6, a field of a million zeros read
 * wrong, found by the numtest helper's test_csvnum.) */
static int exponent(const char *s, size_t len, size_t i, int64_t *e)
{
  int neg = 0;
  if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i >= len || !digit(s[i])) return -1;
  int64_t v = 0;
  for (; i < len && digit(s[i]); i++) if (v < INT64_C(100000000000000000)) v = 10 * v + (s[i] - '0');
  if (i != len) return -1;
  *e = neg ? -v : v;
  return 0;
}

/* m 2^e2 (plus a nonzero tail below m's last bit if sticky), rounded. */
static int hex_round(uint64_t m, int64_t e2, int sticky, double *out)
{
  int nb = 64 - clz64(m);
  int64_t lead = e2 + nb - 1;
  if (lead > 1100) return CSVNUM_OVERFLOW;
  int64_t ulp_e = lead - 52 < -1074 ? -1074 : lead - 52;
  int64_t s = ulp_e - e2;
  uint64_t mant = 0;
  if (s <= 0) mant = m << -s; /* exact: nb - s <= 53, and no sticky (see parse_hex) */
  else if (s <= 64) {         /* s > 64: m 2^e2 < 2^(ulp_e - 1), half an ulp: zero */
    uint64_t rem = s == 64 ? m : m & (((uint64_t)1 << s) - 1), half = (uint64_t)1 << (s - 1);
    mant = s == 64 ? 0 : m >> s;
    if (rem > half || (rem == half && (sticky || (mant & 1)))) mant++;
  }
  if (mant == (uint64_t)1 << 53) { mant >>= 1; ulp_e++; }
  if (ulp_e + 52 > 1023) return CSVNUM_OVERFLOW;
  if (mant < (uint64_t)1 << 52) { *out = from_bits(mant); return CSVNUM_DONE; } /* subnormal or zero */
  *out = from_bits((uint64_t)(ulp_e + 52 + 1023) << 52 | (mant & (((uint64_t)1 << 52) - 1)));
  return CSVNUM_DONE;
}

/* The form printf's %a writes for a normal double, 1.<up to 13 hex digits>p<exp>
 * with -1022 <= exp <= 1023: its bits directly; 0 if s is not in that form. */
static int canonical_hex(const char *s, size_t len, size_t i, int neg, double *out)
{
  if (i + 2 >= len || s[i] != '1' || (s[i + 1] != '.' && s[i + 1] != 'p')) return 0;
  uint64_t frac = 0;
  int k = 0;
  for (i += s[i + 1] == '.' ? 2 : 1; i < len && k < 13; i++, k++) {
    int d = hexval(s[i]);
    if (d < 0) break;
    frac = frac << 4 | (uint64_t)d;
  }
  int64_t e;
  if (i >= len || s[i] != 'p' || exponent(s, len, i + 1, &e) || e < -1022 || e > 1023) return 0;
  uint64_t bits = (uint64_t)(e + 1023) << 52 | frac << (52 - 4 * k);
  *out = from_bits(bits | (uint64_t)neg << 63);
  return 1;
}

static int parse_hex(const char *s, size_t len, size_t i, int neg, double *out)
{
  if (canonical_hex(s, len, i, neg, out)) return CSVNUM_DONE;
  uint64_t m = 0;
  int nd = 0, sticky = 0, any = 0;
  int64_t e2 = 0;
  for (; i < len && hexval(s[i]) >= 0; i++, any = 1) {
    int d = hexval(s[i]);
    if (nd < 16) { if (m || d) { m = m << 4 | (uint64_t)d; nd++; } }
    else { e2 += 4; sticky |= d != 0; }
  }
  if (i < len && s[i] == '.')
    for (i++; i < len && hexval(s[i]) >= 0; i++, any = 1) {
      int d = hexval(s[i]);
      if (nd < 16) { if (m || d) { m = m << 4 | (uint64_t)d; nd++; } e2 -= 4; }
      else sticky |= d != 0;
    }
  if (!any) return CSVNUM_DEFER;
  int64_t pe = 0;
  if (i < len && (s[i] | 0x20) == 'p') { if (exponent(s, len, i + 1, &pe)) return CSVNUM_DEFER; }
  else if (i != len) return CSVNUM_DEFER;
  double x = 0;
  int st = m ? hex_round(m, e2 + pe, sticky, &x) : CSVNUM_DONE;
  if (st == CSVNUM_DONE) *out = neg ? -x : x;
  return st;
}

int csvnum_parse(const char *s, size_t len, double *out)
{
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i + 1 < len && s[i] == '0' && (s[i + 1] | 0x20) == 'x') return parse_hex(s, len, i + 2, neg, out);
  uint64_t w = 0;
  int nd = 0, trunc = 0, any = 0;
  int64_t q = 0;
  for (; i < len && digit(s[i]); i++, any = 1) {
    int d = s[i] - '0';
    if (nd < 19) { if (w || d) { w = 10 * w + (uint64_t)d; nd++; } }
    else { q++; trunc |= d != 0; }
  }
  if (i < len && s[i] == '.')
    for (i++; i < len && digit(s[i]); i++, any = 1) {
      int64_t v8;
      if (w && nd <= 11 && i + 8 <= len && (v8 = eight_digits(s + i)) >= 0) { /* 8 significant digits at once */
        w = 100000000 * w + (uint64_t)v8;
        nd += 8;
        q -= 8;
        i += 7;
        continue;
      }
      int d = s[i] - '0';
      if (nd < 19) { if (w || d) { w = 10 * w + (uint64_t)d; nd++; } q--; }
      else trunc |= d != 0;
    }
  if (!any) return CSVNUM_DEFER;
  int64_t e = 0;
  if (i < len && (s[i] | 0x20) == 'e') { if (exponent(s, len, i + 1, &e)) return CSVNUM_DEFER; }
  else if (i != len) return CSVNUM_DEFER;
  double x = 0;
  if (w) {
    if (csvnum_decimal(w, q + e, &x)) return CSVNUM_DEFER;
    if (trunc) { /* the value lies in (w, w + 1) 10^q: decided if both ends round alike */
      double y;
      if (csvnum_decimal(w + 1, q + e, &y) || y != x) return CSVNUM_DEFER;
    }
  }
  *out = neg ? -x : x;
  return CSVNUM_DONE;
}
