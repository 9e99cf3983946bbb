import CCairo

/// An ARGB raster in memory: decoded PNGs for golden-file comparison, and
/// small pictures (seal marks, test charts) encoded as PNG.
public final class RasterImage {
    /// The Cairo image surface (for drawing this raster onto a canvas).
    let surface: OpaquePointer

    public enum Failure: Error, Sendable { case notPNG, cannotEncode }

    public init(width: Int, height: Int) {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
    }

    public init(png: [UInt8]) throws {
        final class Source { let bytes: [UInt8]; var offset = 0; init(_ bytes: [UInt8]) { self.bytes = bytes } }
        let source = Source(png)
        let read: cairo_read_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
            let source = Unmanaged<Source>.fromOpaque(closure).takeUnretainedValue()
            let count = Int(length)
            guard source.offset + count <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            source.bytes.withUnsafeBufferPointer { bytes in
                if let base = bytes.baseAddress { data.update(from: base + source.offset, count: count) }
            }
            source.offset += count
            return CAIRO_STATUS_SUCCESS
        }
        let loaded = withExtendedLifetime(source) {
            cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(source).toOpaque())
        }
        guard let loaded, cairo_surface_status(loaded) == CAIRO_STATUS_SUCCESS else {
            if let loaded { cairo_surface_destroy(loaded) }
            throw Failure.notPNG
        }
        surface = loaded
    }

    deinit { cairo_surface_destroy(surface) }

    public var width: Int { Int(cairo_image_surface_get_width(surface)) }
    public var height: Int { Int(cairo_image_surface_get_height(surface)) }

    /// Pixel (x, y) as 0xAARRGGBB.
    public func pixel(x: Int, y: Int) -> UInt32 {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return 0 }
        return (data + y * stride + x * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
    }

    public func setPixel(x: Int, y: Int, _ value: UInt32) {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return }
        (data + y * stride + x * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee = value }
        cairo_surface_mark_dirty(surface)
    }

    /// Draws with a Cairo context: fills, strokes and circles for small pictures.
    public func fill(red: Double, green: Double, blue: Double, alpha: Double = 1,
                     rectangle: (x: Double, y: Double, width: Double, height: Double)) {
        let context = cairo_create(surface)
        defer { cairo_destroy(context) }
        cairo_set_source_rgba(context, red, green, blue, alpha)
        cairo_rectangle(context, rectangle.x, rectangle.y, rectangle.width, rectangle.height)
        cairo_fill(context)
    }

    public func strokeCircle(red: Double, green: Double, blue: Double, center: (x: Double, y: Double), radius: Double,
                             lineWidth: Double) {
        let context = cairo_create(surface)
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, red, green, blue)
        cairo_set_line_width(context, lineWidth)
        cairo_arc(context, center.x, center.y, radius, 0, 2 * Double.pi)
        cairo_stroke(context)
    }

    public func png() throws -> [UInt8] {
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().bytes
                .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, write, Unmanaged.passUnretained(sink).toOpaque())
        }
        guard status == CAIRO_STATUS_SUCCESS else { throw Failure.cannotEncode }
        return sink.bytes
    }

    /// Pixels that differ by more than `tolerance` in any channel, and an image
    /// showing them in red over a faded copy of `self`.
    public func difference(from other: RasterImage, tolerance: UInt8 = 16) -> (count: Int, image: RasterImage) {
        let diff = RasterImage(width: max(width, other.width), height: max(height, other.height))
        var count = 0
        for y in 0..<diff.height {
            for x in 0..<diff.width {
                let inside = x < width && y < height && x < other.width && y < other.height
                let a = inside ? pixel(x: x, y: y) : 0, b = inside ? other.pixel(x: x, y: y) : 0xFFFF_FFFF
                let differs = !inside || (0..<4).contains { shift in
                    let ca = Int((a >> (shift * 8)) & 0xFF), cb = Int((b >> (shift * 8)) & 0xFF)
                    return abs(ca - cb) > Int(tolerance)
                }
                if differs { count += 1 }
                let faded: UInt32 = inside ? 0xFF00_0000 | ((a & 0x00FE_FEFE) >> 1) | 0x0080_8080 : 0xFFFF_FFFF
                diff.setPixel(x: x, y: y, differs ? 0xFFFF_0000 : faded)
            }
        }
        return (count, diff)
    }
}
