#ifndef SANXIANG_CAIRO_DEFLATE_H
#define SANXIANG_CAIRO_DEFLATE_H

/// The libdeflate level Cairo's PDF and PostScript streams are compressed with.
int sanxiang_cairo_deflate_level(void);

/// How many of Cairo's streams this process has compressed with libdeflate:
/// zero after a render means the replacement is not in effect.
unsigned long sanxiang_cairo_deflate_streams(void);

#endif
