#ifndef SANXIANG_CAIRO_DEFLATE_H
#define SANXIANG_CAIRO_DEFLATE_H

#include <stdarg.h>

/// How many of Cairo's streams this process has compressed with libdeflate:
/// zero after a render means the replacement is not in effect.
unsigned long sanxiang_cairo_deflate_streams(void);

/// How many numbers Cairo printed through the fast formatter (cairo_numbers.c): zero after a render means
/// its snprintf is not the one Cairo calls.
unsigned long sanxiang_cairo_numbers_formatted(void);

/// One number as the fast formatter writes it for Cairo (`format` one of Cairo's: "%d", "%ld", "%0*x", "%04X",
/// "%010ld", "%f", "%.18f", "%.*f" …), into `out` (NUL-terminated, cut to `size`): the length glibc's vsnprintf
/// would return, or -1 where the formatter leaves the call to glibc (another format; a double not finite,
/// subnormal or of magnitude 2^63 or more; a precision over 18). It reads a copy of `arguments`, so a caller can still
/// hand them to glibc: the snprintf Cairo calls uses it so, and the tests use it.
int sanxiang_vformat_number(char *out, unsigned long size, const char *format, va_list arguments);

/// Whether `return_address` lies in libcairo's code (cairo_deflate.c).
int sanxiang_called_from_cairo(const void *return_address);

#endif
