import Native

/// The encodings found in real exports. Nothing in a file says which one it
/// uses, so each file is decided on its own bytes.
public enum SourceEncoding: String, Codable, Sendable {
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 (BOM)"
    case gb18030 = "GB18030"
}

public struct DecodedText: Sendable {
    public let encoding: SourceEncoding
    /// The text as UTF-8, without a byte-order mark.
    public let utf8: [UInt8]
}

public enum TextDecodingError: Error, Equatable, Sendable {
    /// Neither valid UTF-8 nor valid GB18030; `line` is where decoding stopped.
    case undecodable(line: Int)
}

public enum TextDecoding {
    /// UTF-8 with a BOM, else UTF-8 when every byte sequence is valid, else
    /// GB18030 through iconv. Chinese text in GB18030 is practically never
    /// valid UTF-8, so the order decides correctly.
    public static func decode(_ raw: [UInt8]) throws -> DecodedText {
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            let body = Array(raw[3...])
            guard isValidUTF8(body) else { throw TextDecodingError.undecodable(line: lineOf(offset: firstInvalidUTF8(body), in: body)) }
            return DecodedText(encoding: .utf8WithBOM, utf8: body)
        }
        if isValidUTF8(raw) {
            return DecodedText(encoding: .utf8, utf8: raw)
        }
        do {
            return DecodedText(encoding: .gb18030, utf8: try Iconv.convert(raw, from: "GB18030", to: "UTF-8"))
        } catch let failure as Iconv.Failure {
            switch failure {
            case .invalidSequence(let offset), .truncated(let offset):
                throw TextDecodingError.undecodable(line: lineOf(offset: offset, in: raw))
            case .unsupported:
                throw TextDecodingError.undecodable(line: 1)
            }
        }
    }

    /// Large inputs are checked in pieces on every core; pieces start on a
    /// byte that begins a character, so no sequence is cut in two.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        let parts = bytes.count > 4 << 20 ? 8 : 1
        guard parts > 1 else { return firstInvalidUTF8(bytes) == bytes.count }
        var starts = [0]
        for part in 1..<parts {
            var offset = bytes.count * part / parts
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            starts.append(offset)
        }
        starts.append(bytes.count)
        let ranges = zip(starts, starts.dropFirst()).map { $0..<$1 }
        return bytes.withUnsafeBufferPointer { buffer in
            concurrentMap(ranges, chunkSize: 1) { range in
                let piece = UnsafeBufferPointer(rebasing: buffer[range])
                return firstInvalidUTF8(piece) == piece.count
            }.allSatisfy { $0 }
        }
    }

    /// Offset of the first byte that does not start a valid UTF-8 sequence, or `count`.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    static func firstInvalidUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        let n = buffer.count
        var i = 0
        while i < n {
            let b = buffer[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return i
            }
            guard i + length <= n else { return i }
            for k in 1..<length {
                let c = buffer[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += length
        }
        return n
    }

    static func lineOf(offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes[..<min(offset, bytes.count)] where byte == 0x0A { line += 1 }
        return line
    }
}
