/* alloc.h -- internal (not installed): the one allocation helper of src/.
 * Every array the library allocates goes through alloc_array, so a count
 * whose size in bytes would wrap (n * size > SIZE_MAX, or beyond
 * PTRDIFF_MAX, which no object may exceed) is an allocation failure
 * (NULL: the caller returns DMC_ENOMEM), never a short buffer. */
#ifndef DMC_ALLOC_H
#define DMC_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* n objects of `size` bytes (uninitialised), or NULL; free with free(). */
static inline void *alloc_array(size_t n, size_t size)
{
  if (n == 0 || size == 0) return malloc(1);
  if (n > (size_t)PTRDIFF_MAX / size) return NULL;
  return malloc(n * size);
}

#endif
