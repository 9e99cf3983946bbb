import CaseModel
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
    /// How many runs of bytes could not be decoded and stand as
    /// `TextDecoding.undecodableMarker` in `utf8` (0 for a clean file).
    public var undecodableRuns: Int = 0
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

    /// Stands in the decoded text for each run of bytes that was not valid in
    /// the file's encoding, so the row holding it can be set aside on its own.
    /// A noncharacter (U+FDD0): never valid in an export, so never confused with data.
    public static let undecodableMarker: UInt32 = 0xFDD0
    static let markerUTF8: [UInt8] = [0xEF, 0xB7, 0x90]

    /// Like `decode`, but a file with bad bytes is still decoded: the encoding
    /// is the one most of the file is written in, and each bad run becomes
    /// `undecodableMarker`. One bad byte must not lose the whole file.
    public static func decodeLeniently(_ raw: [UInt8]) -> DecodedText {
        if let clean = try? decode(raw) { return clean }
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            let (text, runs) = lenientUTF8(raw[3...])
            return DecodedText(encoding: .utf8WithBOM, utf8: text, undecodableRuns: runs)
        }
        if looksLikeUTF8(raw) {
            let (text, runs) = lenientUTF8(raw[...])
            return DecodedText(encoding: .utf8, utf8: text, undecodableRuns: runs)
        }
        let (text, runs) = lenientGB18030(raw)
        return DecodedText(encoding: .gb18030, utf8: text, undecodableRuns: runs)
    }

    /// UTF-8 with a few bad bytes still has far more valid multi-byte
    /// sequences than bad bytes; GB18030 Chinese read as UTF-8 is mostly bad
    /// (some of its byte pairs happen to form valid sequences, hence the margin).
    static func looksLikeUTF8(_ raw: [UInt8]) -> Bool {
        var valid = 0, invalid = 0
        raw.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                if buffer[i] < 0x80 { i += 1; continue }
                let length = validSequenceLength(buffer, at: i)
                if length > 0 { valid += 1; i += length } else { invalid += 1; i += 1 }
            }
        }
        return valid > invalid * 20
    }

    /// The length of the valid UTF-8 sequence starting at `i`, or 0.
    static func validSequenceLength(_ buffer: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let length: Int
        switch buffer[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard i + length <= buffer.count else { return 0 }
        return firstInvalidUTF8(UnsafeBufferPointer(rebasing: buffer[i..<i + length])) == length ? length : 0
    }

    /// Valid runs copied, each run of invalid bytes replaced by the marker.
    static func lenientUTF8(_ raw: ArraySlice<UInt8>) -> (text: [UInt8], runs: Int) {
        var output = [UInt8]()
        output.reserveCapacity(raw.count)
        var runs = 0
        raw.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let rest = UnsafeBufferPointer(rebasing: buffer[start...])
                let bad = firstInvalidUTF8(rest)
                output.append(contentsOf: rest[0..<bad])
                guard bad < rest.count else { break }
                runs += 1
                output.append(contentsOf: markerUTF8)
                var skip = bad + 1
                while skip < rest.count, rest[skip] >= 0x80, validSequenceLength(rest, at: skip) == 0 { skip += 1 }
                start += skip
            }
        }
        return (output, runs)
    }

    /// GB18030 by its byte structure: runs of well-formed sequences go to
    /// iconv in blocks of about 64 KB; a block iconv refuses (a well-formed
    /// but unassigned code) goes again one sequence at a time. Every byte is
    /// visited a bounded number of times, so a hostile file cannot make this slow.
    static func lenientGB18030(_ raw: [UInt8]) -> (text: [UInt8], runs: Int) {
        var output = [UInt8]()
        output.reserveCapacity(raw.count * 3 / 2)
        var runs = 0
        var inBadRun = false
        func bad() {
            if !inBadRun { runs += 1; output += markerUTF8 }
            inBadRun = true
        }
        raw.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                var end = i
                var starts: [Int] = []
                while end < buffer.count, end - i < 1 << 16 {
                    let length = gbSequenceLength(buffer, at: end)
                    if length == 0 { break }
                    starts.append(end)
                    end += length
                }
                if end > i {
                    let block = Array(buffer[i..<end])
                    if let converted = try? Iconv.convert(block, from: "GB18030", to: "UTF-8") {
                        output += converted
                        inBadRun = false
                    } else {
                        for (k, start) in starts.enumerated() {
                            let stop = k + 1 < starts.count ? starts[k + 1] : end
                            if buffer[start] < 0x80 {
                                output.append(buffer[start])
                                inBadRun = false
                                continue
                            }
                            if let one = try? Iconv.convert(Array(buffer[start..<stop]), from: "GB18030", to: "UTF-8") {
                                output += one
                                inBadRun = false
                            } else {
                                bad()
                            }
                        }
                    }
                    i = end
                } else {
                    bad()
                    i += 1
                }
            }
        }
        return (output, runs)
    }

    /// The length of the well-formed GB18030 sequence at `i` (1, 2 or 4), or 0.
    static func gbSequenceLength(_ buffer: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = buffer[i]
        if lead < 0x80 { return 1 }
        guard (0x81...0xFE).contains(lead), i + 1 < buffer.count else { return 0 }
        let second = buffer[i + 1]
        if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) { return 2 }
        if (0x30...0x39).contains(second), i + 3 < buffer.count, (0x81...0xFE).contains(buffer[i + 2]),
           (0x30...0x39).contains(buffer[i + 3]) {
            return 4
        }
        return 0
    }
}
