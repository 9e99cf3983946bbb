import Archive
import CaseModel
import Crypto
import Dispatch
import Disclosure
import ErrorReporting
import Foundation
import Native
#if canImport(Glibc)
import Glibc
#endif

/// A night on which nothing changed. Every output of a run is a function of the export, the
/// configuration (with the files it names), the as-of date and the program; the state store
/// adds only what earlier runs of this same output folder recorded. When all of these are the
/// ones of the last committed run and the output is still exactly what that run left, a new run
/// would write the same bytes again, so it writes nothing.
///
/// After each committed run (ledger included) `.unchanged-run.json` records the identity of its
/// inputs and a digest of every output file's inode, size, modification and change time. The
/// change time cannot be set back by a program, so an edited, replaced, added or removed file
/// shows; so does every later commit (it writes new files or hard-links the kept ones, which sets
/// their change time). A nightly run also removes the record before its commit starts; a run
/// killed before writing the new one only makes the next run a full one.
public enum UnchangedRun {
    static let recordName = ".unchanged-run"
    static let format = "sanxiang-unchanged-run-v1"

    /// The record's first line: the inputs' identity, a digest of the output's stamps, and what
    /// the last run said. Each further line is one output file: its stamp, a tab, its path.
    struct Header: Codable, Equatable {
        var format: String
        var inputs: String
        var outputs: String
        /// The summary of the run that made the output (as in run-summary.json and the store).
        var summary: String
        /// The key of the publication gate whose sweep passed every file that run staged under public/
        /// (nil when its portal stage did not run).
        var gateKey: String?
    }

    /// What a nightly run learns before it starts: the last run's summary when nothing changed and
    /// the output is whole; else the files that are no longer as that run left them.
    struct Finding {
        var summary: RunSummary?
        /// Output files present but not as the last run left them (edited, replaced, or not in its
        /// record): no stage may keep them.
        var damaged: Set<String> = []
        /// The last run's gate key: files under public/ not in `damaged` passed a sweep under it.
        var gateKey: String?
        /// The files the walk found in the in-place folders (nil: the output was not walked).
        var liveInPlace: LivePaths?
    }

    /// Whether a request may be answered from the last run: only a whole nightly run
    /// (a `report --year` or a `check` remakes part of the output or none of it).
    static func applies(to request: RunRequest) -> Bool {
        request.writeOutputs && request.useStateStore && request.recordsRun && request.reportYear == nil
    }

    /// Compares the output and the inputs with the record of the last nightly run. Without a
    /// record (first run, or the last one did not finish) nothing is known: a full run, trusting the files.
    /// `inPlace`: the in-place folders (`OutputWriter.inPlaceFolders`) whose files the finding lists for the commit.
    static func inspect(_ config: PipelineConfig, inputs: String, inPlace: [String] = []) throws -> Finding {
        guard let header = recordedHeader(config) else { return Finding() }
        // A night whose inputs are not the recorded ones runs whatever the output holds, and this check runs beside the
        // export being read: its walk is handed out a window at a time (the whole listing, ≈ 220 MB of paths and stamps at
        // 100,000 cases, met the export's raw cells on some nights). One whose inputs are the recorded ones may end here,
        // before anything is read: it lists the output whole and keeps the in-place folders' files only if it runs.
        let listed: [ListedFile]?
        let outputs: String
        let liveInPlace: () -> LivePaths?
        if header.inputs == inputs {
            let whole = try outputListing(config)
            listed = whole
            outputs = digest(of: whole)
            liveInPlace = { LivePaths(whole, under: inPlace, excluded: excludedPaths(config)) }
        } else {
            let walked = try walk(config, inPlace: inPlace)
            listed = nil
            outputs = walked.digest
            liveInPlace = { walked.live }
        }
        guard outputs == header.outputs else {
            // The record's lines are read only now, a piece at a time beside the output's listing (whole when the inputs were
            // the recorded ones, else walked again a window at a time): every night after `report --year` comes here.
            guard let damaged = try damagedFiles(config, header: header, listed: listed) else { return Finding() }
            return Finding(damaged: damaged, gateKey: header.gateKey, liveInPlace: liveInPlace())
        }
        guard header.inputs == inputs else { return Finding(gateKey: header.gateKey, liveInPlace: liveInPlace()) }
        let live = FileManager.default.contents(atPath: config.outputURL.appendingPathComponent("run-summary.json").path)
        guard let live, live == Data(header.summary.utf8) else { return Finding() }
        // The store must still be the one that run committed (its publication log decides the next night).
        guard FileManager.default.fileExists(atPath: config.stateStoreURL.path),
              try StateStore(path: config.stateStoreURL.path).lastRunSummary() == header.summary,
              let summary = try? JSONDecoder().decode(RunSummary.self, from: live) else { return Finding() }
        return Finding(summary: rerun(of: summary), gateKey: header.gateKey)
    }

    /// The output's digest as the record writes it (`digest(of:)`) and its in-place folders' files (`LivePaths`), from a walk
    /// handed out a window at a time (`FileWalker.forEachWindow`): the whole listing is made only when a name is not plainly
    /// composed.
    static func walk(_ config: PipelineConfig, inPlace: [String]) throws -> (digest: String, live: LivePaths?) {
        let excluded = excludedPaths(config)
        var hasher = SHA256()
        var live = LivePaths(under: inPlace, excluded: excluded)
        let streamed = try FileWalker.forEachWindow(root: config.outputURL.standardizedFileURL, isExcluded: isExcluded(excluded)) { window in
            forEachLineBlock(window) { hasher.update(data: $0) }
            if live?.add(window) == false { live = nil }
        }
        guard streamed else {
            let listed = try outputListing(config)
            return (digest(of: listed), LivePaths(listed, under: inPlace, excluded: excluded))
        }
        live?.finish()
        return (hasher.finalize().hex, live)
    }

    /// The inputs' identity the record holds (nil: no record, or one that cannot be read), from its first
    /// line alone: when it is not this run's, the night is no unchanged one whatever the output holds, and
    /// the output can be compared with the record while the export is read (on a `Background` thread).
    static func recordedInputs(_ config: PipelineConfig) -> String? { recordedHeader(config)?.inputs }

    /// The record's header (its first line), nil when there is none of this format.
    private static func recordedHeader(_ config: PipelineConfig) -> Header? {
        guard let handle = FileHandle(forReadingAtPath: config.outputURL.appendingPathComponent(recordName).path) else { return nil }
        defer { try? handle.close() }
        var line = Data()
        while line.count < 16 << 20, let chunk = try? handle.read(upToCount: 64 << 10), !chunk.isEmpty {
            if let end = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                line += chunk[chunk.startIndex..<end]
                guard let header = try? JSONDecoder().decode(Header.self, from: line), header.format == format else { return nil }
                return header
            }
            line += chunk
        }
        return nil
    }

    /// Removes the record before a commit changes the output it describes (durably, so a crash
    /// after the first swap can never find it).
    static func forget(_ config: PipelineConfig) throws {
        let path = config.outputURL.appendingPathComponent(recordName).path
        guard unlink(path) == 0 || errno == ENOENT else {
            throw FileSystemError(path: path, action: "删除上次运行的未变记录", code: errno)
        }
        FileSystem.syncFolder(of: path)
    }

    /// Records a committed run: called after the ledger, with the identity computed before the run
    /// read anything. The inputs are identified again: an export changed while the run read it
    /// leaves no record, and the next run is a full one. `listed`: the output as the archive step
    /// just listed it (same exclusions, nothing written since), else the output is walked again.
    /// `inputsNow`: the inputs identified again once the stages had read them (`identity(of:)`; the runner works it
    /// out during the commit), else identified here.
    static func remember(_ config: PipelineConfig, request: RunRequest, inputs: String, summary: Data, gateKey: String?,
                         listed: [ListedFile]? = nil, inputsNow: String? = nil) throws {
        guard try inputsNow ?? identity(of: request) == inputs else { return }
        let listed = try listed ?? outputListing(config)
        let header = Header(format: format, inputs: inputs, outputs: digest(of: listed), summary: String(decoding: summary, as: UTF8.self),
                            gateKey: gateKey)
        // A path with a line break cannot be a line of the record (its file only shows as not recorded).
        let broken = concurrentBlocks(count: listed.count, size: 16384) { range in
            listed[range].contains { $0.path.utf8.contains(UInt8(ascii: "\n")) }
        }.contains(true)
        try write(header, listed: broken ? listed.filter { !$0.path.utf8.contains(UInt8(ascii: "\n")) } : listed, config)
    }

    /// The record: its header on the first line, then one line per file (stamp, tab, path), durably, written a block of
    /// lines at a time: made whole, its lines (≈ 87 MB at 100,000 cases) and their copy behind the header stood beside
    /// the output's listing at the very end of the night.
    private static func write(_ header: Header, listed: [ListedFile], _ config: PipelineConfig) throws {
        try write(header, config) { emit in try forEachLineBlock(listed, emit) }
    }

    private static func write(_ header: Header, _ config: PipelineConfig, lines: ((_ piece: [UInt8]) throws -> Void) throws -> Void) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = Array(try encoder.encode(header)) + [UInt8(ascii: "\n")]
        try FileSystem.replaceDurably(config.outputURL.appendingPathComponent(recordName).path) { emit in
            try emit(first)
            try withoutActuallyEscaping(emit) { try lines($0) }
        }
    }

    /// `damagedFiles` from the whole record and listing, for a record or output whose paths are not in the order of their
    /// bytes (names not in normalization form C: never the pipeline's own).
    static func damagedFilesWhole(_ config: PipelineConfig, header: Header, listed: [ListedFile]?) throws -> Set<String>? {
        guard let (whole, record) = read(config), whole == header, let recorded = stamps(in: record) else { return nil }
        var damaged = Set<String>()
        for (path, stamp) in stamps(try listed ?? outputListing(config)) where recorded[path] != stamp { damaged.insert(path) }
        return damaged
    }

    /// The record's header and the whole record; nil when there is none or its header cannot be read
    /// (which only means a full run). The stamps are parsed only when the output differs from them.
    private static func read(_ config: PipelineConfig) -> (Header, Data)? {
        guard let data = FileManager.default.contents(atPath: config.outputURL.appendingPathComponent(recordName).path),
              let end = data.firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONDecoder().decode(Header.self, from: data[data.startIndex..<end]) else { return nil }
        return (header, data)
    }

    /// The recorded stamps by path; nil when the record cannot be read whole.
    private static func stamps(in record: Data) -> [String: String]? {
        var lines = record.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)[...]
        _ = lines.popFirst()
        var stamps: [String: String] = [:]
        stamps.reserveCapacity(lines.count)
        for line in lines {
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")) else { return nil }
            stamps[String(decoding: line[line.index(after: tab)...], as: UTF8.self)] = String(decoding: line[..<tab], as: UTF8.self)
        }
        return stamps
    }

    /// What this run did, told from the last run's summary: the same export and checks, every case
    /// unchanged in the store, every document and page kept, nothing newly published, no ledger entry.
    static func rerun(of last: RunSummary) -> RunSummary {
        var summary = last
        summary.unchanged = true
        if let store = last.store {
            summary.store = StoreChanges(added: 0, changed: 0, unchanged: store.added + store.changed + store.unchanged, absent: 0)
        }
        if var documents = last.documents {
            documents.kept = documents.documents
            documents.pages = 0
            // Nothing was taken from workers' shards tonight: last night's warnings about them (shards not yet done then)
            // would be read as tonight's.
            documents.fromShards = nil
            documents.shardWarnings = nil
            documents.processWarnings = nil
            summary.documents = documents
        }
        if var portal = last.portal {
            portal.pagesKept += portal.pagesWritten
            portal.pagesWritten = 0
            portal.newlyPublished = 0
            portal.timingUnknown = 0
            portal.late = []
            summary.portal = portal
        }
        summary.archive = nil
        return summary
    }

    // MARK: - What decides a run's output

    /// SHA-256 over everything a run's output is made from: the program, the as-of date and the
    /// stages, the whole configuration value, the files it names (templates, fonts manifest,
    /// calendar, feed schema, publication history, approvals, the redaction lexicon) and every
    /// byte of every file of the export folder.
    static func identity(of request: RunRequest) throws -> String {
        let config = request.config
        var hasher = SHA256()
        hasher.update(data: Array("\(format)\n\(programStamp())\n\(request.asOf.iso)\n".utf8))
        hasher.update(data: Array(CanonicalDescription.of(config).utf8))
        var named: [URL] = [config.fontsURL, config.calendarURL, config.feedSchemaURL]
        named += [config.publicationHistoryURL, config.approvalsURL].compactMap { $0 }
        for url in named { try hashFile(url, label: url.path, into: &hasher) }
        try hashFolder(config.templatesURL, into: &hasher)
        hasher.update(data: Array(try lexiconIdentity().utf8))
        try hashFolder(config.inputURL, into: &hasher)
        return hasher.finalize().hex
    }

    /// SHA-256 of the redaction lexicon's files (read from beside the program, not built into it).
    static func lexiconIdentity() throws -> String {
        var hasher = SHA256()
        if let lexicon = Lexicon.standardFolder { try hashFolder(lexicon, into: &hasher) }
        return hasher.finalize().hex
    }

    /// The running executable's inode, size and times: a rebuilt or upgraded program is a new file.
    static func programStamp() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "program-unknown-\(UUID().uuidString)" }
        return "\(info.st_dev)/\(info.st_ino)/\(info.st_size)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)/"
            + "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// A missing file is hashed as missing, so its appearing later changes the identity.
    private static func hashFile(_ url: URL, label: String, into hasher: inout SHA256) throws {
        hasher.update(data: Array("\u{0}file \(label)\u{0}".utf8))
        guard FileManager.default.fileExists(atPath: url.path) else {
            hasher.update(data: Array("missing".utf8))
            return
        }
        // Read a megabyte at a time: mapped whole, every page of the file hashed counted in the process's memory until
        // the file was done (cases.csv, 286 MB at 100,000 cases, at the commit's start: a 1 % night's peak).
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw FileSystemError(path: url.path, action: "读取", code: errno) }
        hasher.update(data: Array("\(info.st_size)\u{0}".utf8))
        do {
            try FilePieces.forEach(in: url.path) { hasher.update(data: $0) }
        } catch {
            throw FileSystemError(path: url.path, action: "读取", code: OutputWriter.errnoOf(error))
        }
    }

    private static func hashFolder(_ folder: URL, into hasher: inout SHA256) throws {
        hasher.update(data: Array("\u{0}folder \(folder.standardizedFileURL.path)\u{0}".utf8))
        guard FileManager.default.fileExists(atPath: folder.path) else {
            hasher.update(data: Array("missing".utf8))
            return
        }
        for file in try FileWalker.list(root: folder, isExcluded: { _ in false }) {
            try hashFile(folder.appendingPathComponent(file.path), label: file.path, into: &hasher)
        }
    }

    // MARK: - The output as it stands

    /// Every output file the ledger logs (the same exclusions: store, ledger, lock, key …), sorted,
    /// with its device, inode, size, modification and change time.
    static func outputListing(_ config: PipelineConfig) throws -> [ListedFile] {
        try FileWalker.list(root: config.outputURL.standardizedFileURL, isExcluded: isExcluded(excludedPaths(config)))
    }

    /// Whether a path is one of `excluded` (`excludedPaths`: a folder ends in "/" and takes everything under it).
    static func isExcluded(_ excluded: [String]) -> (String) -> Bool {
        { path in excluded.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 } }
    }

    /// What the listing leaves out (the ledger's exclusions: store, ledger, lock, key …); a folder ends in "/".
    static func excludedPaths(_ config: PipelineConfig) -> [String] {
        let root = config.outputURL.standardizedFileURL
        return ArchiveStage.excluded(config, keyPath: PipelineRunner.relative(config.signingKeyURL, to: root))
    }

    /// Each file's path and its stamp as the record writes it.
    static func stamps(_ listed: [ListedFile]) -> [(path: String, stamp: String)] {
        listed.map { file in (file.path, String(decoding: stamp(of: file), as: UTF8.self)) }
    }

    /// A listed file's stamp as the record writes it.
    static func stamp(of file: ListedFile) -> [UInt8] {
        var bytes: [UInt8] = []
        appendStamp(of: file, to: &bytes)
        return bytes
    }

    /// `L` (reached through a link) or `F`, device, inode, size, modification and change time:
    /// "F/2049/1234/5678/1767225600.123456789/1767225600.123456789".
    static func appendStamp(of file: ListedFile, to bytes: inout [UInt8]) {
        let stamp = file.stamp
        let slash = UInt8(ascii: "/"), point = UInt8(ascii: ".")
        bytes.append(UInt8(ascii: file.isLink ? "L" : "F"))
        bytes.append(slash)
        FileIndex.appendDecimal(stamp.device, to: &bytes)
        bytes.append(slash)
        FileIndex.appendDecimal(stamp.inode, to: &bytes)
        bytes.append(slash)
        FileIndex.appendDecimal(stamp.size, to: &bytes)
        bytes.append(slash)
        FileIndex.appendDecimal(stamp.modifiedSeconds, to: &bytes)
        bytes.append(point)
        FileIndex.appendDecimal(stamp.modifiedNanoseconds, to: &bytes)
        bytes.append(slash)
        FileIndex.appendDecimal(file.changed.seconds, to: &bytes)
        bytes.append(point)
        FileIndex.appendDecimal(file.changed.nanoseconds, to: &bytes)
    }

    /// One line of the record: the file's stamp, a tab, its path. Made into a buffer, without a String per file: 650,000
    /// of them, and a hash update for each, were a second of every run.
    private static func appendLine(of file: ListedFile, to bytes: inout [UInt8]) {
        appendStamp(of: file, to: &bytes)
        bytes.append(UInt8(ascii: "\t"))
        bytes += file.path.utf8
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The SHA-256 of the record's lines of `listed`, in lower-case hex, made a window of blocks at a time: the check
    /// before a night needs only the digest, not the record's 87 MB of lines at 100,000 cases.
    static func digest(of listed: [ListedFile]) -> String {
        var hasher = SHA256()
        forEachLineBlock(listed) { hasher.update(data: $0) }
        return hasher.finalize().hex
    }

    /// The record's lines of `listed`, one per file, handed to `body` in order, a block of 16,384 files at a time,
    /// the blocks of a window made on every core: never the whole record in memory, and not one core making
    /// 650,000 lines at the end of the night. A window is two blocks a core (at least 4, at most 16): 16 blocks on
    /// two cores were 34 MB of lines at once, beside the export being read at the night's start.
    static func forEachLineBlock(_ listed: [ListedFile], _ body: ([UInt8]) throws -> Void) rethrows {
        let block = 16384, window = block * min(16, max(4, 2 * ProcessInfo.processInfo.activeProcessorCount))
        for start in stride(from: 0, to: listed.count, by: window) {
            let slice = listed[start..<min(start + window, listed.count)]
            let parts = concurrentBlocks(count: slice.count, size: block) { range -> [UInt8] in
                var bytes: [UInt8] = []
                bytes.reserveCapacity(range.count * 128)
                for file in slice[(slice.startIndex + range.lowerBound)..<(slice.startIndex + range.upperBound)] {
                    appendLine(of: file, to: &bytes)
                }
                return bytes
            }
            for part in parts { try body(part) }
        }
    }
}

/// A deterministic text of a value's whole structure, for hashing settings: dictionaries and sets
/// print in a different order in every process, so their entries are sorted first.
enum CanonicalDescription {
    static func of(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout String) {
        // URLs keep parse caches and Data may show its storage's address: both are written by content.
        if let url = value as? URL {
            out += "URL:" + url.absoluteString
            return
        }
        if let data = value as? Data {
            out += "Data:" + StateStore.contentHash(Array(data))
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .class?:
            // An instance prints its address; only its type and stored parts are written.
            out += "\(type(of: value))("
            writeChildren(of: mirror, into: &out)
            out += ")"
        case .dictionary?, .set?:
            let entries = mirror.children.map { child -> String in
                var text = ""
                write(child.value, into: &text)
                return text
            }.sorted()
            out += "{" + entries.joined(separator: ",") + "}"
        case .optional?:
            if let wrapped = mirror.children.first { write(wrapped.value, into: &out) } else { out += "nil" }
        case nil:
            out += String(reflecting: value)
        default:
            // Structs, classes, enums, tuples, arrays: their parts in order, or what they print as when they have none.
            guard !mirror.children.isEmpty else {
                out += "\(type(of: value)):" + String(reflecting: value)
                return
            }
            out += "\(type(of: value))("
            writeChildren(of: mirror, into: &out)
            out += ")"
        }
    }

    private static func writeChildren(of mirror: Mirror, into out: inout String) {
        if let parent = mirror.superclassMirror { writeChildren(of: parent, into: &out) }
        for child in mirror.children {
            out += (child.label ?? "_") + "="
            write(child.value, into: &out)
            out += ";"
        }
    }
}

/// The files of the in-place folders as the night's first walk of the output found them, for the commit,
/// which deletes those the run neither wrote nor kept: walking internal/documents (400,000 files at
/// 100,000 cases) a second time cost a second. Nothing changes a live in-place folder between that walk
/// and the commit (the stages write into the staging area; the folder is locked), so the two listings
/// are the same. The paths are kept front-coded in one byte array (each path as the length it shares
/// with the one before, then the rest): about 12 MB at 100,000 cases, where 400,000 strings held 60.
///
/// Each file's stamp is kept too (40 bytes a file): after the commit, the archive lists an in-place folder
/// from these and what the commit moved in and deleted, instead of walking and stamping it again.
struct LivePaths: Sendable {
    /// Per path: two bytes (little-endian) of length shared with the previous path, two of the rest's length, the rest.
    private var bytes: [UInt8] = []
    /// The folders listed, each ending in "/".
    let folders: [String]
    /// Each path's stamp, in the same order; nil when the files lie on more than one device (then only the paths are known).
    private var stamps: [PackedStamp]? = []
    /// The device all the files lie on.
    private var device: UInt64?

    /// A file's stamp without its device, and whether it was listed through a link.
    private struct PackedStamp {
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int64
        var changedSeconds: Int64
        var modifiedNanoseconds: Int32
        /// The change time's nanoseconds; its top bit says the file was listed through a symbolic link.
        var changedNanoseconds: UInt32

        init(_ file: ListedFile) {
            inode = file.stamp.inode
            size = Int64(file.stamp.size)
            modifiedSeconds = Int64(file.stamp.modifiedSeconds)
            changedSeconds = Int64(file.changed.seconds)
            modifiedNanoseconds = Int32(truncatingIfNeeded: file.stamp.modifiedNanoseconds)
            changedNanoseconds = UInt32(truncatingIfNeeded: file.changed.nanoseconds) | (file.isLink ? 1 << 31 : 0)
        }

        func file(_ path: String, device: UInt64) -> ListedFile {
            ListedFile(path: path, stamp: FileStamp(device: device, inode: inode, size: Int(size), modifiedSeconds: Int(modifiedSeconds),
                                                    modifiedNanoseconds: Int(modifiedNanoseconds)),
                       isLink: changedNanoseconds >> 31 != 0, changed: (Int(changedSeconds), Int(changedNanoseconds & 0x7FFF_FFFF)))
        }

        /// Whether it gives the file back exactly (nanoseconds below a second).
        static func holds(_ file: ListedFile) -> Bool {
            (0..<1_000_000_000).contains(file.stamp.modifiedNanoseconds) && (0..<1_000_000_000).contains(file.changed.nanoseconds)
        }
    }

    /// The last path added (`add`), which the next one is written against.
    private var previousPath: [UInt8] = []

    /// Nil when a folder holds a path the listing leaves out (a store or key placed there): the commit walks it itself.
    init?(_ listed: [ListedFile], under folders: [String], excluded: [String]) {
        self.init(under: folders, excluded: excluded)
        // Reserved once: grown by doubling, the stamps (40 bytes a file, 500,000 files at 100,000 cases) took up to twice that.
        let count = listed.reduce(0) { count, file in count + (covers(file) ? 1 : 0) }
        stamps?.reserveCapacity(count)
        guard add(listed) else { return nil }
        compactPaths()
    }

    /// An empty listing of `folders`, for a listing added a window at a time (`add`, then `finish`); nil as above.
    init?(under folders: [String], excluded: [String]) {
        guard !folders.isEmpty, !excluded.contains(where: { path in folders.contains { path.hasPrefix($0) || $0.hasPrefix(path) } }) else {
            return nil
        }
        self.folders = folders
    }

    private func covers(_ file: ListedFile) -> Bool { folders.contains { file.path.utf8.starts(with: $0.utf8) } }

    /// Adds the next files of the listing (in its order), those under the folders; false when a path cannot be held (then
    /// the listing is no good: the caller drops it).
    mutating func add(_ listed: [ListedFile]) -> Bool {
        for file in listed where covers(file) {
            let path = Array(file.path.utf8)
            var shared = 0
            while shared < min(previousPath.count, path.count, Int(UInt16.max)), previousPath[shared] == path[shared] { shared += 1 }
            guard path.count - shared <= Int(UInt16.max) else { return false }
            for length in [shared, path.count - shared] {
                bytes.append(UInt8(length & 0xFF))
                bytes.append(UInt8(length >> 8))
            }
            bytes += path[shared...]
            previousPath = path
            keepStamp(of: file)
        }
        return true
    }

    /// Held all night: the paths' bytes and stamps, grown by doubling as the windows came, are copied once into storage
    /// of their own size.
    mutating func finish() {
        compactPaths()
        if let kept = stamps { stamps = kept.withUnsafeBufferPointer { Array($0) } }
    }

    /// The paths' bytes (their count is known only once added) copied into storage of their own size.
    private mutating func compactPaths() {
        bytes = bytes.withUnsafeBufferPointer { Array($0) }
        previousPath = []
    }

    private mutating func keepStamp(of file: ListedFile) {
        guard stamps != nil else { return }
        if device == nil { device = file.stamp.device }
        guard device == file.stamp.device, PackedStamp.holds(file) else {
            stamps = nil
            return
        }
        stamps?.append(PackedStamp(file))
    }

    /// Each listed file under `folder` (which ends in "/") with its stamp, as the walk found it; nil when that
    /// folder is not one this listing covers, or the stamps are not known.
    func files(under folder: String) -> [ListedFile]? {
        guard let stamps, let device = device ?? (stamps.isEmpty ? 0 : nil) else { return nil }
        var out: [ListedFile] = []
        guard forEachPath(under: folder, { position, path in out.append(stamps[position].file(path, device: device)) }) else { return nil }
        return out
    }

    /// Each listed path under `folder` (which ends in "/"), relative to the output folder; nil when that
    /// folder is not one this listing covers.
    func paths(under folder: String) -> [String]? {
        var out: [String] = []
        guard forEachPath(under: folder, { _, path in out.append(path) }) else { return nil }
        return out
    }

    /// Calls `body` with the position in the listing and the path of each listed path under `folder`;
    /// false when that folder is not one this listing covers.
    private func forEachPath(under folder: String, _ body: (Int, String) -> Void) -> Bool {
        guard folders.contains(where: { folder.hasPrefix($0) }) else { return false }
        let prefix = Array(folder.utf8)
        var path: [UInt8] = []
        var position = 0
        var index = 0
        while position + 4 <= bytes.count {
            let shared = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            let rest = Int(bytes[position + 2]) | Int(bytes[position + 3]) << 8
            position += 4
            path.removeSubrange(min(shared, path.count)...)
            path += bytes[position..<min(position + rest, bytes.count)]
            position += rest
            if path.starts(with: prefix) { body(index, String(decoding: path, as: UTF8.self)) }
            index += 1
        }
        return true
    }
}
