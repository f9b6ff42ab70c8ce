/* fuzz_number.c -- differential: csv_parse_double (report/csvnum.c's fast
 * decimal and hex paths, strtod for the rest) against glibc's strtod, an
 * independent parser, on any text: the same status and the same bits. Where
 * the bits differ, MPFR's correctly rounded reading decides: glibc 2.36's
 * strtod is itself wrong on some long hex subnormals (it reads
 * 0x19099999999999.8p-1075 as 0x0.c84ccccccccccp-1022; the value is
 * 0x0.c84cccccccccc|c p-1022 with 0.75 ulp below the cut, so the correctly
 * rounded double ends in d, as MPFR and Python's float.fromhex give). */
#include "fuzz_util.h"
#include "csvread.h"

#include <errno.h>
#include <math.h>
#include "mpref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 512) return 0;
  char s[520];
  memcpy(s, data, size);
  s[size] = '\0';
  if (strlen(s) != size) return 0; /* a NUL inside: not a field */
  double got;
  int st = csv_parse_double(s, size, &got);
  /* strtod's reading of the same field: blanks trimmed, the whole text used */
  size_t a = 0, b = size;
  while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
  s[b] = '\0';
  char *end;
  errno = 0;
  double want = a < b && memchr("+-.0123456789iInN", s[a], 17) ? strtod(s + a, &end) : 0;
  int want_st = !(a < b && memchr("+-.0123456789iInN", s[a], 17)) || end != s + b ? CSV_NUM_BAD
              : errno == ERANGE && isinf(want) ? CSV_NUM_OVERFLOW : CSV_NUM_OK;
  if (st != want_st) abort();
  if (st == CSV_NUM_OK && memcmp(&got, &want, sizeof got) && !(isnan(got) && isnan(want))) {
    double exact = mpref_read_double(s + a, NULL);
    if (memcmp(&got, &exact, sizeof got)) abort(); /* strtod was wrong only if MPFR agrees with us */
  }
  return 0;
}
