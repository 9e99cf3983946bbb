#ifndef SANXIANG_CAIRO_DEFLATE_H
#define SANXIANG_CAIRO_DEFLATE_H

/// How many of Cairo's streams this process has compressed with libdeflate:
/// zero after a render means the replacement is not in effect.
unsigned long sanxiang_cairo_deflate_streams(void);

#endif
