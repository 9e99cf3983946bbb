import Foundation

/// Why the redaction cannot run: its data files are missing or unreadable.
/// The redaction fails closed on it: no case is published without the name finder.
public struct DisclosureDataError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The word frequencies and the given-name model the name finder needs (see
/// Resources/README.md for where they come from). Loaded once per process.
public final class Lexicon: Sendable {
    /// Natural log of a word's unigram probability, keyed by its packed characters.
    let words: WordTable
    /// Natural log of a character's share among given-name characters.
    let givenNames: ScalarTable
    /// Log probability of a character the dictionary does not have.
    let unknownCharacter: Float

    init(words: [UInt64: Float], givenNames: [UInt32: Float], unknownCharacter: Float) {
        self.words = WordTable(words)
        self.givenNames = ScalarTable(givenNames)
        self.unknownCharacter = unknownCharacter
    }

    /// The lexicon shipped with the module, or why it could not be read.
    public static let standard: Result<Lexicon, DisclosureDataError> = {
        guard let folder = resourceFolder() else {
            if let given = givenFolder {
                return .failure(DisclosureDataError(description: "环境变量 SANXIANG_DISCLOSURE_DATA 指向的文件夹 \(given) 中没有脱敏词典文件（words.tsv、given-names.tsv）"))
            }
            return .failure(DisclosureDataError(description: "找不到脱敏词典文件夹：它应在 sanxiang 可执行文件旁的 Sanxiang_Disclosure.resources/Resources 中"
                                                + "（安装时与可执行文件一起复制），或用环境变量 SANXIANG_DISCLOSURE_DATA 指定"))
        }
        return load(from: folder)
    }()

    /// SANXIANG_DISCLOSURE_DATA, when set.
    private static var givenFolder: String? {
        ProcessInfo.processInfo.environment["SANXIANG_DISCLOSURE_DATA"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads words.tsv and given-names.tsv from `folder`.
    public static func load(from folder: URL) -> Result<Lexicon, DisclosureDataError> {
        guard let wordData = try? Data(contentsOf: folder.appendingPathComponent("words.tsv")),
              let nameData = try? Data(contentsOf: folder.appendingPathComponent("given-names.tsv")) else {
            return .failure(DisclosureDataError(description: "无法读取脱敏词典文件：\(folder.path)/words.tsv 或 given-names.tsv"))
        }
        let wordCounts = parse(wordData)
        let nameCounts = parse(nameData)
        guard wordCounts.count > 1000, nameCounts.count > 1000 else {
            return .failure(DisclosureDataError(description: "脱敏词典文件内容不完整：\(folder.path)"))
        }
        let wordTotal = Double(wordCounts.reduce(0) { $0 + $1.count })
        var words: [UInt64: Float] = [:]
        words.reserveCapacity(wordCounts.count)
        for entry in wordCounts {
            guard let key = pack(entry.scalars[...]) else { continue }
            words[key] = Float(log(Double(entry.count) / wordTotal))
        }
        let nameTotal = Double(nameCounts.reduce(0) { $0 + $1.count })
        var given: [UInt32: Float] = [:]
        for entry in nameCounts where entry.scalars.count == 1 {
            given[entry.scalars[0]] = Float(log(Double(entry.count) / nameTotal))
        }
        return .success(Lexicon(words: words, givenNames: given, unknownCharacter: Float(log(0.5 / wordTotal))))
    }

    /// The folder the standard lexicon is read from (its files are part of what decides a case's public form).
    public static var standardFolder: URL? { resourceFolder() }

    /// Where the data files are: SANXIANG_DISCLOSURE_DATA when set (that folder alone: an operator who names a folder means
    /// it, and another copy found instead would hide the mistake), else the resource bundle beside the executable (as
    /// SwiftPM lays it out), or the source folder (tests, development).
    static func resourceFolder() -> URL? {
        if let path = givenFolder {
            let folder = URL(fileURLWithPath: path)
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent("words.tsv").path) ? folder : nil
        }
        var candidates: [URL] = []
        let bundleName = "Sanxiang_Disclosure.resources"
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName).appendingPathComponent("Resources"))
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName).appendingPathComponent("Resources"))
        }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(bundleName).appendingPathComponent("Resources"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("words.tsv").path) }
    }

    /// Up to four BMP characters packed into one key; nil for longer words or characters outside the BMP.
    static func pack(_ scalars: ArraySlice<UInt32>) -> UInt64? {
        guard !scalars.isEmpty, scalars.count <= 4 else { return nil }
        var key: UInt64 = 0
        var shift: UInt64 = 0
        for scalar in scalars {
            guard scalar <= 0xFFFF else { return nil }
            key |= UInt64(scalar) << shift
            shift += 16
        }
        return key
    }

    /// `word<TAB>count` lines, parsed from the bytes (the word file has 260,000 lines; String splitting is slow).
    private static func parse(_ data: Data) -> [(scalars: [UInt32], count: Int)] {
        var out: [(scalars: [UInt32], count: Int)] = []
        out.reserveCapacity(data.count / 10)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index < bytes.count {
                var lineEnd = index
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                var tab = index
                while tab < lineEnd, bytes[tab] != 0x09 { tab += 1 }
                if tab < lineEnd {
                    let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<tab]), as: UTF8.self)
                    var count = 0
                    for byte in bytes[(tab + 1)..<lineEnd] where byte >= 0x30 && byte <= 0x39 { count = count * 10 + Int(byte - 0x30) }
                    if count > 0 { out.append((word.unicodeScalars.map(\.value), count)) }
                }
                index = lineEnd + 1
            }
        }
        return out
    }

    /// Log probability of the word made of these characters, nil when it is not a word.
    @inline(__always)
    func word(_ scalars: ArraySlice<UInt32>) -> Float? {
        guard let key = Self.pack(scalars) else { return nil }
        return words[key]
    }

    /// The words that start at `start` and end at or before `limit`, shortest first (at most four
    /// characters): what `word` finds for each length, without looking further once no longer word
    /// can start there (see `WordTable`).
    @inline(__always)
    func words(in text: [UInt32], from start: Int, limit: Int, _ body: (_ length: Int, _ probability: Float) -> Void) {
        var key: UInt64 = 0
        var length = 0
        while length < 4, start + length < limit {
            let scalar = text[start + length]
            guard scalar <= 0xFFFF else { return }
            key |= UInt64(scalar) << (16 * UInt64(length))
            length += 1
            guard let entry = words.entry(key) else { return }
            if let probability = entry.probability { body(length, probability) }
            guard entry.longer else { return }
        }
    }

    func isWord(_ text: String) -> Bool { word(Array(text.unicodeScalars.map(\.value))[...]) != nil }
}
