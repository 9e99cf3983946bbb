// Cairo writes every number of a PDF (coordinates, glyph positions, matrices, object numbers) through snprintf:
// "%f", "%.18f" and "%.*f" for doubles (_cairo_dtostr), "%d" and its kin for integers. glibc's printf is exact but
// slow (multi-precision arithmetic for every double, a general parser for every call): 6–7 % of a cold run's CPU
// went to it. This executable
// defines snprintf and __snprintf_chk, so the dynamic linker binds Cairo's calls here before libc's (as
// cairo_deflate.c does for zlib); a call from inside libcairo with one of those formats (or the zero-padded hexadecimal
// and decimal ones of its font subsets and cross-reference table: "%0*x", "%04X", "%010ld") is written by the exact
// formatter below, byte for byte what glibc writes (the value's exact binary expansion rounded to the precision, ties
// to even; the locale's decimal point must be "."). Every other call, and every number the formatter leaves to glibc
// (not finite, subnormal, too large), goes to libc's vsnprintf untouched.
#define _GNU_SOURCE
#include <locale.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "CairoDeflate.h"

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *format, va_list ap);

static atomic_ulong numbers_formatted;

unsigned long sanxiang_cairo_numbers_formatted(void) { return atomic_load(&numbers_formatted); }

static const unsigned long long powers_of_ten[19] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL,
    10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL,
    10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL};

// The value rounded to `precision` decimals, times 10^precision: d = mantissa · 2^e exactly, so
// round(|d| · 10^p) = round(mantissa · 10^p / 2^-e), computed in 128 bits (mantissa < 2^53, 10^18 < 2^60).
// Returns 0 where the value is not handled.
static int scaled(double d, int precision, unsigned __int128 *out, int *negative) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int exponent = (int)((bits >> 52) & 0x7FF);
    uint64_t mantissa = bits & ((1ULL << 52) - 1);
    *negative = (int)(bits >> 63);
    if (exponent == 0x7FF || (exponent == 0 && mantissa != 0)) return 0;  // infinite, NaN, subnormal
    if (exponent == 0) {
        *out = 0;
        return 1;
    }
    mantissa |= 1ULL << 52;
    int e = exponent - 1075;
    unsigned __int128 product = (unsigned __int128)mantissa * powers_of_ten[precision];
    if (e >= 0) {
        if (e > 10) return 0;  // |d| ≥ 2^63
        *out = product << e;   // < 2^123
        return 1;
    }
    int shift = -e;
    if (shift >= 120) {  // product < 2^113 ≤ 2^(shift-7): far below one half
        *out = 0;
        return 1;
    }
    unsigned __int128 quotient = product >> shift;
    unsigned __int128 remainder = product - (quotient << shift);
    unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
    if (remainder > half || (remainder == half && (quotient & 1))) quotient += 1;
    *out = quotient;
    return 1;
}

static int write_fixed(char *out, double d, int precision) {
    if (precision < 0 || precision > 18) return -1;
    unsigned __int128 value;
    int negative;
    if (!scaled(d, precision, &value, &negative)) return -1;
    char digits[48];
    int count = 0;
    do {
        digits[count++] = (char)('0' + (int)(value % 10));
        value /= 10;
    } while (value != 0);
    while (count < precision + 1) digits[count++] = '0';
    int at = 0;
    if (negative) out[at++] = '-';  // glibc writes "-0.000000" for -0.0 and for small negatives
    for (int index = count - 1; index >= precision; index--) out[at++] = digits[index];
    if (precision > 0) {
        out[at++] = '.';
        for (int index = precision - 1; index >= 0; index--) out[at++] = digits[index];
    }
    out[at] = 0;
    return at;
}

// An integer in decimal or hexadecimal, zero-padded to `width` as "%0<width>d" pads it (the sign counts in the width).
static int write_integer(char *out, int negative, unsigned long long magnitude, int base, int uppercase, int width) {
    const char *symbols = uppercase ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];
    int count = 0, at = 0;
    do {
        digits[count++] = symbols[magnitude % (unsigned)base];
        magnitude /= (unsigned)base;
    } while (magnitude != 0);
    if (negative) out[at++] = '-';
    for (int pad = count + negative; pad < width; pad++) out[at++] = '0';
    for (int index = count - 1; index >= 0; index--) out[at++] = digits[index];
    out[at] = 0;
    return at;
}

static void copy_out(char *buffer, size_t size, const char *text, int length) {
    if (size == 0) return;
    size_t count = (size_t)length < size - 1 ? (size_t)length : size - 1;
    memcpy(buffer, text, count);
    buffer[count] = 0;
}

// A conversion Cairo uses: "%" [0 width | 0*] ["." precision | ".*"] ["l"] one of d u x X f, and nothing else around it.
typedef struct {
    int zero_padded, width, width_from_argument;
    int precision, precision_from_argument;
    int is_long;
    char conversion;
} conversion_spec;

static int parse(const char *format, conversion_spec *spec) {
    memset(spec, 0, sizeof *spec);
    spec->precision = -1;
    if (*format++ != '%') return 0;
    if (*format == '0') {
        spec->zero_padded = 1;
        format++;
        if (*format == '*') {
            spec->width_from_argument = 1;
            format++;
        } else {
            while (*format >= '0' && *format <= '9' && spec->width < 64) spec->width = spec->width * 10 + (*format++ - '0');
        }
    }
    if (*format == '.') {
        format++;
        if (*format == '*') {
            spec->precision_from_argument = 1;
            format++;
        } else {
            spec->precision = 0;
            while (*format >= '0' && *format <= '9' && spec->precision < 100) spec->precision = spec->precision * 10 + (*format++ - '0');
        }
    }
    if (*format == 'l') {
        spec->is_long = 1;
        format++;
    }
    spec->conversion = *format++;
    if (*format != 0) return 0;
    int has_precision = spec->precision >= 0 || spec->precision_from_argument;
    switch (spec->conversion) {
    case 'f': return !spec->zero_padded && !spec->is_long;        // "%f", "%.18f", "%.*f"
    case 'd': case 'u': case 'x': case 'X': return !has_precision;  // "%d", "%ld", "%010ld", "%0*x", "%04X" …
    default: return 0;
    }
}

// Cairo's formats; -1 for any other format or a number left to glibc (the caller then formats from its own copy of
// the arguments).
static int format_fast(char *buffer, size_t size, const char *format, va_list ap) {
    conversion_spec spec;
    if (!parse(format, &spec)) return -1;
    char text[96];
    int length;
    if (spec.conversion == 'f') {
        const char *decimal_point = localeconv()->decimal_point;
        if (decimal_point == NULL || strcmp(decimal_point, ".") != 0) return -1;
        int precision = spec.precision_from_argument ? va_arg(ap, int) : (spec.precision >= 0 ? spec.precision : 6);
        length = write_fixed(text, va_arg(ap, double), precision);
    } else {
        int width = spec.width;
        if (spec.width_from_argument) {
            width = va_arg(ap, int);
            if (width < 0 || width > 64) return -1;  // a negative width means "-" (left-justified): glibc's
        }
        int negative = 0;
        unsigned long long magnitude;
        if (spec.conversion == 'd') {
            long long value = spec.is_long ? va_arg(ap, long) : va_arg(ap, int);
            negative = value < 0;
            magnitude = negative ? (unsigned long long)(-(value + 1)) + 1 : (unsigned long long)value;
        } else {
            magnitude = spec.is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
        }
        int base = spec.conversion == 'x' || spec.conversion == 'X' ? 16 : 10;
        length = write_integer(text, negative, magnitude, base, spec.conversion == 'X', width);
    }
    if (length < 0) return -1;
    copy_out(buffer, size, text, length);
    atomic_fetch_add_explicit(&numbers_formatted, 1, memory_order_relaxed);
    return length;
}

int sanxiang_vformat_number(char *out, unsigned long size, const char *format, va_list arguments) {
    va_list copy;
    va_copy(copy, arguments);
    int length = format_fast(out, size, format, copy);
    va_end(copy);
    return length;
}

int snprintf(char *buffer, size_t size, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    int length = -1;
    if (sanxiang_called_from_cairo(__builtin_return_address(0))) length = sanxiang_vformat_number(buffer, size, format, arguments);
    if (length < 0) length = vsnprintf(buffer, size, format, arguments);
    va_end(arguments);
    return length;
}

// The fortified form (_FORTIFY_SOURCE), which Cairo's own buffers use: a buffer smaller than it is said to be is
// left to glibc, which stops the process as it would have.
int __snprintf_chk(char *buffer, size_t size, int flag, size_t buffer_size, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    int length = -1;
    if (buffer_size >= size && sanxiang_called_from_cairo(__builtin_return_address(0))) {
        length = sanxiang_vformat_number(buffer, size, format, arguments);
    }
    if (length < 0) length = __vsnprintf_chk(buffer, size, flag, buffer_size, format, arguments);
    va_end(arguments);
    return length;
}
