// Cairo compresses every stream of a PDF with zlib at the default level and
// has no setting for it. For this project's documents nearly all of those
// bytes are the embedded subset of a Chinese font (about 90 KB of glyph
// outlines per document), and zlib took 40 % of the render time on them.
// libdeflate at level 1 takes about a quarter of that time here, and for
// these documents its output is even smaller than zlib's at level 6 (README,
// Benchmarks), so Cairo's streams go through it.
//
// How: this executable defines deflateInit_, deflate and deflateEnd, so the
// dynamic linker binds Cairo's calls here before libz. A stream set up from
// code inside libcairo with the default level is marked (its zalloc is
// `cairo_stream_mark`) and buffered; on Z_FINISH it is compressed in one call
// and handed out as Cairo's output buffer allows. Cairo uses exactly these
// three functions, with Z_NO_FLUSH and Z_FINISH only. Every other stream,
// and every other caller (libpng, libxml2, zlib's own compress()), goes to
// libz untouched.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libdeflate.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "CairoDeflate.h"

enum { cairo_stream_level = 1 };  // libdeflate's fastest level

typedef struct {
    unsigned char *input;
    size_t input_length, input_capacity;
    unsigned char *output;
    size_t output_length, output_sent;
    int compressed;
} buffered_stream;

static int (*libz_deflateInit)(z_streamp, int, const char *, int);
static int (*libz_deflate)(z_streamp, int);
static int (*libz_deflateEnd)(z_streamp);
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static pthread_key_t compressor_key;
static atomic_ulong streams_compressed;
// libcairo's loaded address range, found once: dladdr on every call would
// search the library's symbol table each time.
static uintptr_t cairo_start, cairo_end;

static void free_compressor(void *compressor) { libdeflate_free_compressor(compressor); }

static int note_cairo_range(struct dl_phdr_info *module, size_t size, void *base) {
    (void)size;
    if ((void *)module->dlpi_addr != base) return 0;
    for (int index = 0; index < module->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &module->dlpi_phdr[index];
        if (segment->p_type != PT_LOAD) continue;
        uintptr_t start = module->dlpi_addr + segment->p_vaddr, end = start + segment->p_memsz;
        if (cairo_start == 0 || start < cairo_start) cairo_start = start;
        if (end > cairo_end) cairo_end = end;
    }
    return 1;
}

static void set_up(void) {
    libz_deflateInit = (int (*)(z_streamp, int, const char *, int))dlsym(RTLD_NEXT, "deflateInit_");
    libz_deflate = (int (*)(z_streamp, int))dlsym(RTLD_NEXT, "deflate");
    libz_deflateEnd = (int (*)(z_streamp))dlsym(RTLD_NEXT, "deflateEnd");
    pthread_key_create(&compressor_key, free_compressor);
    Dl_info cairo;
    void *symbol = dlsym(RTLD_DEFAULT, "cairo_version");
    if (symbol != NULL && dladdr(symbol, &cairo) != 0) dl_iterate_phdr(note_cairo_range, cairo.dli_fbase);
}

static int called_from_cairo(const void *return_address) {
    uintptr_t address = (uintptr_t)return_address;
    return address >= cairo_start && address < cairo_end;
}

int sanxiang_called_from_cairo(const void *return_address) {
    pthread_once(&setup_once, set_up);
    return called_from_cairo(return_address);
}

// Never called: zlib never sees a marked stream. Its address is the mark.
static voidpf cairo_stream_mark(voidpf opaque, uInt items, uInt size) {
    (void)opaque; (void)items; (void)size;
    return Z_NULL;
}

static int is_marked(z_streamp stream) { return stream != Z_NULL && stream->zalloc == cairo_stream_mark; }

unsigned long sanxiang_cairo_deflate_streams(void) { return atomic_load(&streams_compressed); }

int deflateInit_(z_streamp stream, int level, const char *version, int stream_size) {
    pthread_once(&setup_once, set_up);
    if (stream == Z_NULL || level != Z_DEFAULT_COMPRESSION || stream->zalloc != Z_NULL
        || !called_from_cairo(__builtin_return_address(0))) {
        return libz_deflateInit ? libz_deflateInit(stream, level, version, stream_size) : Z_VERSION_ERROR;
    }
    buffered_stream *state = calloc(1, sizeof *state);
    if (state == NULL) return Z_MEM_ERROR;
    stream->zalloc = cairo_stream_mark;
    stream->state = (struct internal_state *)state;
    stream->total_in = stream->total_out = 0;
    stream->msg = Z_NULL;
    return Z_OK;
}

static int take_input(z_streamp stream, buffered_stream *state) {
    size_t needed = state->input_length + stream->avail_in;
    if (needed > state->input_capacity) {
        size_t capacity = state->input_capacity ? state->input_capacity : 64 * 1024;
        while (capacity < needed) capacity *= 2;
        unsigned char *grown = realloc(state->input, capacity);
        if (grown == NULL) return Z_MEM_ERROR;
        state->input = grown;
        state->input_capacity = capacity;
    }
    if (stream->avail_in > 0) memcpy(state->input + state->input_length, stream->next_in, stream->avail_in);
    state->input_length = needed;
    stream->next_in += stream->avail_in;
    stream->total_in += stream->avail_in;
    stream->avail_in = 0;
    return Z_OK;
}

// One compressor per thread, kept: making one costs more than a small stream.
static int compress_all(buffered_stream *state) {
    struct libdeflate_compressor *compressor = pthread_getspecific(compressor_key);
    if (compressor == NULL) {
        compressor = libdeflate_alloc_compressor(cairo_stream_level);
        if (compressor == NULL) return Z_MEM_ERROR;
        pthread_setspecific(compressor_key, compressor);
    }
    size_t bound = libdeflate_zlib_compress_bound(compressor, state->input_length);
    state->output = malloc(bound);
    if (state->output == NULL) return Z_MEM_ERROR;
    state->output_length = libdeflate_zlib_compress(compressor, state->input, state->input_length, state->output, bound);
    if (state->output_length == 0) return Z_STREAM_ERROR;
    state->compressed = 1;
    atomic_fetch_add(&streams_compressed, 1);
    return Z_OK;
}

int deflate(z_streamp stream, int flush) {
    if (!is_marked(stream)) {
        pthread_once(&setup_once, set_up);
        return libz_deflate ? libz_deflate(stream, flush) : Z_STREAM_ERROR;
    }
    buffered_stream *state = (buffered_stream *)stream->state;
    if (flush != Z_NO_FLUSH && flush != Z_FINISH) return Z_STREAM_ERROR;
    if (!state->compressed) {
        int status = take_input(stream, state);
        if (status != Z_OK) return status;
        if (flush == Z_NO_FLUSH) return Z_OK;
        status = compress_all(state);
        if (status != Z_OK) return status;
    }
    size_t count = state->output_length - state->output_sent;
    if (count > stream->avail_out) count = stream->avail_out;
    memcpy(stream->next_out, state->output + state->output_sent, count);
    state->output_sent += count;
    stream->next_out += count;
    stream->avail_out -= (uInt)count;
    stream->total_out += count;
    return state->output_sent == state->output_length ? Z_STREAM_END : Z_OK;
}

int deflateEnd(z_streamp stream) {
    if (!is_marked(stream)) {
        pthread_once(&setup_once, set_up);
        return libz_deflateEnd ? libz_deflateEnd(stream) : Z_STREAM_ERROR;
    }
    buffered_stream *state = (buffered_stream *)stream->state;
    free(state->input);
    free(state->output);
    free(state);
    stream->state = Z_NULL;
    stream->zalloc = Z_NULL;
    return Z_OK;
}
