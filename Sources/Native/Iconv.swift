#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converting bytes from one character encoding to another with iconv(3).
public enum Iconv {
    public enum Failure: Error, Equatable, Sendable {
        /// iconv does not know one of the encodings.
        case unsupported(from: String, to: String)
        /// The input holds a byte sequence that is not valid in the source encoding.
        case invalidSequence(offset: Int)
        /// The input ends in the middle of a multi-byte character.
        case truncated(offset: Int)
    }

    /// Converts `input` in one call; the whole input must be valid.
    public static func convert(_ input: [UInt8], from source: String, to target: String) throws -> [UInt8] {
        let converter = try Converter(from: source, to: target)
        return try converter.convert(input)
    }
}

/// Owns one iconv descriptor; closed when the converter goes away.
final class Converter {
    private let descriptor: iconv_t

    init(from source: String, to target: String) throws {
        let opened = iconv_open(target, source)
        // iconv_open signals failure with (iconv_t)-1.
        guard let handle = opened, Int(bitPattern: handle) != -1 else {
            throw Iconv.Failure.unsupported(from: source, to: target)
        }
        descriptor = handle
    }

    deinit { iconv_close(descriptor) }

    func convert(_ input: [UInt8]) throws -> [UInt8] {
        // GB18030 → UTF-8 grows at most 2:1 per byte (2-byte CJK → 3 bytes,
        // 4-byte sequences → 4); 4× leaves room for any pair of encodings we use.
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var mutableInput = input
        let produced: Int = try mutableInput.withUnsafeMutableBufferPointer { inBuffer in
            try output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 {
                    let offset = inBuffer.count - inLeft
                    if errno == EINVAL { throw Iconv.Failure.truncated(offset: offset) }
                    throw Iconv.Failure.invalidSequence(offset: offset)
                }
                return outBuffer.count - outLeft
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
