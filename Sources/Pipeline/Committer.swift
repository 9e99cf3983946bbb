import Archive
import CaseModel
import ErrorReporting
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Native

/// Which stage is responsible for each part of the output folder, and which
/// parts the stages that ran remake. A path belongs to the stage whose
/// territory names it most precisely (public/reports/ is the report's even
/// though public/ is the portal's).
struct OutputOwnership {
    private var territories: [(prefix: String, owner: String)] = []
    private var claims: [String: [String]] = [:]

    mutating func declare(_ owner: String, territory: [String]) {
        territories += territory.map { ($0, owner) }
    }

    mutating func claim(_ owner: String, _ paths: [String]) {
        claims[owner, default: []] += paths
    }

    static func matches(_ path: String, _ prefix: String) -> Bool {
        prefix.hasSuffix("/") ? path.hasPrefix(prefix) : path == prefix
    }

    /// True when a stage that ran remakes `path`: the last run's file there is dropped
    /// unless the stage staged or kept it. Every other file is carried forward.
    func isRemade(_ path: String) -> Bool {
        let owner = territories.filter { Self.matches(path, $0.prefix) }.max { $0.prefix.count < $1.prefix.count }?.owner
        guard let owner, let paths = claims[owner] else { return false }
        return paths.contains { Self.matches(path, $0) }
    }

    /// The top-level entries (public, internal, run-summary.json …) this run replaces.
    var replacedTopLevel: Set<String> {
        Set(claims.values.joined().compactMap { $0.split(separator: "/").first.map(String.init) })
    }
}

/// Where the archive step of a commit gets its facts, kept in the journal so
/// a later run can finish an interrupted commit on its own.
struct ArchiveRequest: Codable {
    var asOf: String
    var input: String
    var media: [JournalMedia]

    struct JournalMedia: Codable {
        var file: String
        var caseID: String
        var sha256: String
        var size: Int
    }
}

/// The commit's plan, written durably before the first swap: which staged
/// folders replace which live ones (each known by the staged folder's inode,
/// so a swap done before a crash is never done twice), the state changes, and
/// what the archive step needs. A run that finds it finishes the commit first.
struct CommitJournal: Codable {
    struct Swap: Codable {
        var name: String
        var stagedInode: UInt64
    }

    /// A folder updated in place (see `OutputWriter.inPlaceFolders`): before its top-level entry is
    /// swapped, the staged files move into the live folder, `deletions` leave it, and the live folder,
    /// now this run's, moves into the staged tree.
    struct InPlace: Codable {
        /// Relative to the output folder, without the final "/".
        var folder: String
        /// Live files under it this run neither wrote nor kept, relative to the output folder.
        var deletions: [String]
    }

    var swaps: [Swap]
    /// Absent in journals of versions that replaced every folder whole.
    var inPlace: [InPlace]?
    var state: StateChanges
    var archive: ArchiveRequest?
    /// The state's publication rows are in this file beside the journal, one JSON row per line (absent: in `state`, as
    /// journals of earlier versions hold them). A first night publishes every decision, and the rows' public cases as
    /// base64 in one JSON document (≈ 250 MB at 100,000 cases), as JSONEncoder made it, held it several times over: the
    /// night's peak.
    var publicationsFile: String?
    /// The state's memos (`StateChanges.renderMemoFile`, `redactionMemoFile`), written after the rest of the journal a
    /// piece at a time (`Committer.writeJournal`) and put back into `state` when the journal is read (`memosIntoState`):
    /// JSONEncoder made them base64 whole, then the document, then a copy of it (≈ 190 MB beside the memos' 48 MB at
    /// 100,000 cases), the night's peak on some nights. Absent in journals of earlier versions (they are in `state`).
    var renderMemoLines: Data?
    var redactionMemo: Data?
    /// The two members' names as the journal's JSON spells them, for the writer that adds them by hand.
    static let memoKeys = (redaction: CodingKeys.redactionMemo.stringValue, render: CodingKeys.renderMemoLines.stringValue)

    static let name = ".commit-journal.json"
    static let publicationsName = ".commit-publications.jsonl"

    /// The memos written beside `state` moved into it, each checked as `state`'s own are when read.
    mutating func memosIntoState() throws {
        if let lines = renderMemoLines {
            guard RenderMemo.read(lines) != nil else { throw CommitJournalMemoError() }
            state.renderMemoFile = lines
        }
        if let memo = redactionMemo {
            guard RedactionMemo.read(memo) != nil else { throw CommitJournalMemoError() }
            state.redactionMemoFile = memo
        }
        renderMemoLines = nil
        redactionMemo = nil
    }
}

/// A journal whose memo cannot be read: the journal is not the one written.
struct CommitJournalMemoError: Error {}

/// The export's records a run stores in its commit's transaction (`StateStore.Snapshot`), with the run's summary, held
/// until that transaction and let go of right after it: the snapshot (≈ 180 MB at 100,000 cases — every record's
/// canonical JSON, each case's hashes, the store's hashes of every case) stood through the archive's listing and new
/// index, the commit's peak.
final class PendingSnapshot {
    private var snapshot: StateStore.Snapshot?
    private let summary: String

    init(_ snapshot: StateStore.Snapshot, summary: String) {
        self.snapshot = snapshot
        self.summary = summary
    }

    /// Stores it in the commit's transaction (nothing once released: the committer releases it after that transaction).
    func store(in transaction: StateStore.Transaction) throws {
        if let snapshot { try transaction.store(snapshot, summary: summary) }
    }

    func release() { snapshot = nil }
}

/// The one committer of a run, in a fixed order: (1) the staged subtrees
/// replace the live ones, each in one atomic exchange, with everything the
/// stages that ran do not remake carried forward; (2) the state changes, in
/// one transaction; (3) the ledger. A crash at any point leaves either the
/// previous output and state, or a journal from which the next run finishes
/// this one — never a mix that is taken for finished.
struct Committer {
    /// Nil for a bare output folder with no state store and no ledger (tools, tests).
    let config: PipelineConfig?
    let root: URL

    init(config: PipelineConfig) {
        self.config = config
        root = config.outputURL.standardizedFileURL
    }

    init(root: URL) {
        config = nil
        self.root = root.standardizedFileURL
    }

    private var journalPath: String { root.appendingPathComponent(CommitJournal.name).path }
    private var stagingPath: String { root.appendingPathComponent(OutputWriter.stagingName).path }

    /// What a commit leaves: the archive's summary, and the output's files as the ledger now logs them.
    struct Result {
        var archive: ArchiveSummary?
        var listed: [ListedFile]?
    }

    /// Commits a run. `snapshot` writes the export's records into the store in the
    /// same transaction as `state` (it is not journalled: the next run rewrites it anyway).
    func commit(_ writer: OutputWriter, ownership: OutputOwnership, state: StateChanges,
                snapshot: PendingSnapshot?, archive: ArchiveRequest?) throws -> Result {
        let names = ownership.replacedTopLevel.union(writer.stagedTopLevel).sorted()
        let inPlace = try inPlaceUpdates(names, writer: writer, ownership: ownership)
        try carryForward(names, ownership: ownership, skipping: Set(inPlace.map(\.folder)))
        Fault.point("commit.staged")
        sync()
        var swaps: [CommitJournal.Swap] = []
        for name in names {
            let staged = (stagingPath as NSString).appendingPathComponent(name)
            if FileSystem.kind(staged) == .missing { try makeEmptyFolder(staged) }
            guard let inode = FileSystem.inode(staged) else { continue }
            swaps.append(.init(name: name, stagedInode: inode))
        }
        let journal = CommitJournal(swaps: swaps, inPlace: inPlace, state: state, archive: archive)
        let written = try writeJournal(journal)
        Fault.point("commit.journal")
        return try finish(written, snapshot: snapshot, live: writer.liveInPlace, written: writer.written)
    }

    /// Finishes a commit a crash interrupted, if there is one. Called under the folder's lock before anything else.
    func recover() throws -> Bool {
        guard FileManager.default.fileExists(atPath: journalPath) else {
            try removeLeftovers()
            try removePublicationsFile()
            return false
        }
        var journal: CommitJournal
        do {
            journal = try JSONDecoder().decode(CommitJournal.self, from: Data(contentsOf: URL(fileURLWithPath: journalPath)))
            try journal.memosIntoState()
        } catch {
            throw FileSystemError(path: journalPath, action: "读取未完成的提交记录", code: 5)
        }
        _ = try finish(journal, snapshot: nil)
        return true
    }

    private var publicationsPath: String { root.appendingPathComponent(CommitJournal.publicationsName).path }

    /// The publication rows, one JSON row per line (`StagedPublications`' format), written durably before the journal that
    /// names them: the staged file's lines (copied a piece at a time), then the rows held in memory.
    private func writePublications(staged: StagedPublications?, rows: [PublicationRow]) throws {
        try FileSystem.replaceDurably(publicationsPath) { write in
            try staged?.forEachPiece(write)
            for row in rows { try write(try StagedPublications.line(row, path: publicationsPath)) }
        }
    }

    /// `live`: the in-place folders' files as the night's first walk found them (nil when finishing a crashed commit).
    /// `written`: the files the run wrote, hashed as written (nil when finishing a crashed commit: the archive reads them).
    private func finish(_ journal: CommitJournal, snapshot: PendingSnapshot?, live: LivePaths? = nil,
                        written: WrittenDigests? = nil) throws -> Result {
        var applied: [AppliedUpdate] = []
        for update in journal.inPlace ?? [] {
            // Once its top-level entry is swapped, the update is done: doing it again would move this run's folder out.
            let top = String(update.folder.split(separator: "/").first ?? "")
            guard let swap = journal.swaps.first(where: { $0.name == top }),
                  FileSystem.inode(root.appendingPathComponent(top).path) != swap.stagedInode else { continue }
            applied.append(try apply(update))
            Fault.point("commit.inplace")
        }
        for (index, swap) in journal.swaps.enumerated() {
            try replace(swap)
            Fault.point("commit.swap.\(index + 1)")
        }
        sync()
        // Once every swap is done, the replaced trees under the staging folder are never read again (a journal replay
        // knows each swap done by its inode): they are removed while the state store's transaction runs, which is one
        // core's work (together a second and a half of a 100,000-case night's commit, one after the other). They must be
        // gone before the archive lists the output: their files are hard links of kept live files, and unlinking them
        // changes those files' change time, which the listing records.
        let replacedTrees = Background { [stagingPath] in
            for swap in journal.swaps {
                try FileWalker.removeTree((stagingPath as NSString).appendingPathComponent(swap.name), action: "清理暂存文件夹")
            }
        }
        let stored = Swift.Result {
            if let config, snapshot != nil || !journal.state.isEmpty || journal.publicationsFile != nil {
                try StateStore(path: config.stateStoreURL.path).apply(journal.state, snapshot: snapshot.map { pending in { try pending.store(in: $0) } },
                                                                      publicationsFile: journal.publicationsFile.map { root.appendingPathComponent($0).path })
            }
        }
        // Waited for either way: nothing else may touch the staging folder while the removal runs.
        let removed = Swift.Result { try replacedTrees.wait() }
        try stored.get()
        try removed.get()
        snapshot?.release()
        Fault.point("commit.state")
        // The written files' digests wait in the staging area: read first, before the rest of it goes. They only spare the archive reading
        // files back: when they cannot be read, it reads every file it would have taken from them.
        var asWritten: WrittenDigests.Table?
        if journal.archive != nil, let written {
            do { asWritten = try written.table() } catch { asWritten = nil }
        }
        try removeLeftovers()
        var result = Result()
        if let config, let archive = journal.archive {
            let known = { live.map { live in applied.compactMap { knownFolder($0, live: live) } } ?? [] }
            result.archive = try ArchiveStage(config: config).record(archive, known: known, written: asWritten.map { table in { table.digest(of: $0) } },
                                                                     listed: { result.listed = $0 })
        }
        Fault.point("commit.archive")
        try FileManager.default.removeItem(atPath: journalPath)
        FileSystem.syncFolder(of: journalPath)
        // Only once the journal is gone: until then a crash's recovery reads the rows from it.
        try removePublicationsFile()
        return result
    }

    /// The rows' file of a commit whose journal is gone (or never named it).
    private func removePublicationsFile() throws {
        for path in [publicationsPath, publicationsPath + ".tmp"] where FileSystem.kind(path) != .missing {
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw FileSystemError(path: path, action: "清理提交记录", code: OutputWriter.errnoOf(error))
            }
        }
    }

    /// Puts one staged entry in place of the live one: an atomic exchange where the
    /// file system has it, else two renames (recoverable through the journal).
    private func replace(_ swap: CommitJournal.Swap) throws {
        let live = root.appendingPathComponent(swap.name).path
        let staged = (stagingPath as NSString).appendingPathComponent(swap.name)
        if FileSystem.inode(live) == swap.stagedInode { return }  // done before a crash
        guard FileSystem.kind(staged) != .missing else {
            throw FileSystemError(path: staged, action: "完成上次中断的提交（暂存的输出不见了）", code: 2)
        }
        if FileSystem.kind(live) == .missing {
            try FileSystem.rename(staged, to: live)
        } else if try !FileSystem.exchange(staged, live) {
            let aside = (stagingPath as NSString).appendingPathComponent(".replaced-" + swap.name)
            try FileSystem.rename(live, to: aside)
            try FileSystem.rename(staged, to: live)
            try FileSystem.rename(aside, to: staged)
        }
        FileSystem.syncFolder(of: live)
    }

    /// The in-place folders (`OutputWriter.inPlaceFolders`) under the top-level entries this commit
    /// replaces that exist in the live output, each with the live files to delete: those in a part
    /// a stage that ran remakes, which it neither wrote nor kept. A folder not yet live goes in with
    /// its staged tree, like any other.
    private func inPlaceUpdates(_ names: [String], writer: OutputWriter, ownership: OutputOwnership) throws -> [CommitJournal.InPlace] {
        let kept = writer.keptInPlaceFiles
        var updates: [CommitJournal.InPlace] = []
        for prefix in writer.inPlaceFolders.sorted() {
            let folder = String(prefix.dropLast(prefix.hasSuffix("/") ? 1 : 0))
            guard let top = folder.split(separator: "/").first.map(String.init), names.contains(top), folder.contains("/"),
                  FileSystem.kind(root.appendingPathComponent(folder).path) == .directory,
                  !updates.contains(where: { folder.hasPrefix($0.folder + "/") }) else { continue }
            let live = try writer.liveInPlace?.paths(under: folder + "/")
                ?? FileWalker.paths(root: root.appendingPathComponent(folder), isExcluded: { _ in false }).map { folder + "/" + $0.path }
            // On every core, a block of paths at a time, in order (400,000 documents at 100,000 cases; the tables are only read).
            let deletions = concurrentBlocks(count: live.count, size: 8192) { range -> [String] in
                live[range].filter { path in
                    // Most files are kept: the set is asked first, the territories (prefix matches) only for the rest.
                    guard !kept.contains(PathDigest(path)), ownership.isRemade(path) else { return false }
                    return FileSystem.kind((stagingPath as NSString).appendingPathComponent(path)) == .missing
                }
            }.flatMap { $0 }
            updates.append(.init(folder: folder, deletions: deletions))
        }
        return updates
    }

    /// What an in-place update did: the files it moved in (relative to the output folder) and deleted.
    struct AppliedUpdate {
        var folder: String
        var movedIn: [(path: String, isLink: Bool)] = []
        var deletions: [String] = []
        /// False when a moved-in file took the place of a folder (or the reverse), or the live folder was
        /// already gone: then what the folder holds is not known from these lists.
        var isKnown = true
    }

    /// The files of an in-place folder after its update, from the night's first walk and what the update did:
    /// the files it neither moved in nor deleted are as that walk found them (nothing else touches the folder,
    /// and moving the folder whole changes no file's stamp or change time); those moved in are stamped here.
    /// Nil when that is not known: the archive walks the folder.
    func knownFolder(_ update: AppliedUpdate, live: LivePaths) -> FileWalker.KnownFolder? {
        guard update.isKnown, let before = live.files(under: update.folder + "/") else { return nil }
        let gone = Set(update.deletions.map(PathKey.init)).union(update.movedIn.map { PathKey($0.path) })
        let arrived = FileWalker.stamped(update.movedIn, root: root).sorted { $0.path < $1.path }
        var files: [ListedFile] = []
        files.reserveCapacity(before.count + arrived.count)
        var next = arrived.startIndex
        for file in before where !gone.contains(PathKey(file.path)) {
            while next < arrived.endIndex, arrived[next].path < file.path {
                files.append(arrived[next])
                next += 1
            }
            files.append(file)
        }
        files += arrived[next...]
        return FileWalker.KnownFolder(folder: update.folder + "/", files: files)
    }

    /// Moves the staged files of an in-place folder into the live one, deletes what this run dropped, and
    /// moves the live folder into the staged tree for the swap. Each step can be done again after a crash:
    /// a moved file is no longer staged, a deleted one is gone, and a live folder already moved is not there.
    private func apply(_ update: CommitJournal.InPlace) throws -> AppliedUpdate {
        let live = root.appendingPathComponent(update.folder).path
        let staged = (stagingPath as NSString).appendingPathComponent(update.folder)
        var applied = AppliedUpdate(folder: update.folder, deletions: update.deletions)
        guard FileSystem.kind(live) == .directory else {  // moved into the staged tree before a crash
            applied.isKnown = false
            return applied
        }
        if FileSystem.kind(staged) == .directory {
            var folders = Set<String>()
            for file in try FileWalker.paths(root: URL(fileURLWithPath: staged), isExcluded: { _ in false }) {
                let replacedOther = try moveIn((staged as NSString).appendingPathComponent(file.path),
                                               to: (live as NSString).appendingPathComponent(file.path), folders: &folders)
                applied.movedIn.append((update.folder + "/" + file.path, file.isLink))
                if replacedOther { applied.isKnown = false }
            }
        }
        for path in update.deletions {
            let target = root.appendingPathComponent(path).path
            guard unlink(target) == 0 || errno == ENOENT else { throw FileSystemError(path: target, action: "删除不再生成的文件", code: errno) }
            removeEmptyFolders(above: target, stoppingAt: live)
        }
        if FileSystem.kind(staged) != .missing {
            do { try FileManager.default.removeItem(atPath: staged) } catch {
                throw FileSystemError(path: staged, action: "清理暂存文件夹", code: OutputWriter.errnoOf(error))
            }
        }
        try makeEmptyFolder((staged as NSString).deletingLastPathComponent)
        try FileSystem.rename(live, to: staged)
        return applied
    }

    /// One staged file into its place in the live folder (replacing the live file there). True when it took
    /// the place of something a rename cannot replace (a folder, or a file where a folder had to be).
    private func moveIn(_ source: String, to target: String, folders: inout Set<String>) throws -> Bool {
        let folder = (target as NSString).deletingLastPathComponent
        if !folders.contains(folder) {
            try makeEmptyFolder(folder)
            folders.insert(folder)
        }
        if Glibc.rename(source, target) == 0 { return false }
        // A folder where this run writes a file (or the reverse): what this run wrote wins.
        guard errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR else {
            throw FileSystemError(path: target, action: "移入本次生成的文件", code: errno)
        }
        do { try FileManager.default.removeItem(atPath: target) } catch {
            throw FileSystemError(path: target, action: "移入本次生成的文件", code: OutputWriter.errnoOf(error))
        }
        try FileSystem.rename(source, to: target)
        return true
    }

    /// A case's folder whose last file this run deleted goes too (as it would from a tree made anew).
    private func removeEmptyFolders(above path: String, stoppingAt top: String) {
        var folder = (path as NSString).deletingLastPathComponent
        while folder.count > top.count, folder.hasPrefix(top + "/"), rmdir(folder) == 0 {
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// Hard-links into the staging area every live file the stages that ran do
    /// not remake, so replacing a whole top-level folder loses nothing. Links keep
    /// each file's inode and time stamp, by which the archive step knows it unread.
    /// `skipping`: in-place folders, which move into the staged tree whole.
    private func carryForward(_ names: [String], ownership: OutputOwnership, skipping: Set<String>) throws {
        var folders = Set<String>()
        for name in names {
            let live = root.appendingPathComponent(name).path
            let excluded = Set(skipping.filter { $0.hasPrefix(name + "/") }.map { String($0.dropFirst(name.count + 1)) + "/" })
            switch FileSystem.kind(live) {
            case .regular:
                if !ownership.isRemade(name) { try link(name, folders: &folders) }
            case .directory:
                for file in try FileWalker.paths(root: URL(fileURLWithPath: live), isExcluded: { excluded.contains($0) }) where !file.isLink {
                    let path = name + "/" + file.path
                    if !ownership.isRemade(path) { try link(path, folders: &folders) }
                }
            default:
                continue
            }
        }
    }

    /// `folders`: staging folders known to exist, so each is made (or found) once, not once per file.
    private func link(_ path: String, folders: inout Set<String>) throws {
        let target = (stagingPath as NSString).appendingPathComponent(path)
        let folder = (target as NSString).deletingLastPathComponent
        do {
            if !folders.contains(folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                folders.insert(folder)
            }
        } catch {
            throw FileSystemError(path: target, action: "沿用上次输出", code: OutputWriter.errnoOf(error))
        }
        guard Glibc.link(root.appendingPathComponent(path).path, target) != 0 else { return }
        // Already there: the stage staged (or kept) its own.
        guard errno == EEXIST else { throw FileSystemError(path: target, action: "沿用上次输出", code: errno) }
    }

    private func makeEmptyFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: path, action: "创建输出文件夹", code: OutputWriter.errnoOf(error))
        }
    }

    /// Returns the journal as written: its publication rows are in the file it names, which the store saves from (as when it
    /// finishes an interrupted commit), not in its state.
    private func writeJournal(_ journal: CommitJournal) throws -> CommitJournal {
        var journal = journal
        if !journal.state.publications.isEmpty || journal.state.stagedPublications != nil {
            try writePublications(staged: journal.state.stagedPublications, rows: journal.state.publications)
            journal.state.publications = []
            journal.state.stagedPublications = nil
            journal.publicationsFile = CommitJournal.publicationsName
        }
        // The memos are written after the rest, a piece at a time; the journal handed back holds them in `state` again.
        let memos = [(CommitJournal.memoKeys.redaction, journal.state.redactionMemoFile), (CommitJournal.memoKeys.render, journal.state.renderMemoFile)]
        journal.state.redactionMemoFile = nil
        journal.state.renderMemoFile = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var head: [UInt8]
        do { head = [UInt8](try encoder.encode(journal)) } catch {
            throw FileSystemError(path: journalPath, action: "写入提交记录", code: 22)
        }
        // An object: its members go on before its closing brace.
        guard head.first == UInt8(ascii: "{"), head.last == UInt8(ascii: "}") else {
            throw FileSystemError(path: journalPath, action: "写入提交记录", code: 22)
        }
        head.removeLast()
        try FileSystem.replaceDurably(journalPath) { write in
            var separator = head.count > 1
            try write(head)
            for case let (key, memo?) in memos {
                try write(Array(((separator ? "," : "") + "\"\(key)\":\"").utf8))
                separator = true
                try Self.writeBase64(memo, write)
                try write([UInt8(ascii: "\"")])
            }
            try write([UInt8(ascii: "}")])
        }
        journal.state.redactionMemoFile = memos[0].1
        journal.state.renderMemoFile = memos[1].1
        return journal
    }

    /// Base64 of `bytes` (as JSONEncoder writes Data), a piece of whole three-byte groups at a time.
    private static func writeBase64(_ bytes: Data, _ write: ([UInt8]) throws -> Void) throws {
        let piece = 3 << 18
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(start + piece, bytes.endIndex)
            try write([UInt8](bytes[start..<end].base64EncodedData()))
            start = end
        }
    }

    /// The staging area (now holding the replaced output) and the run of an earlier
    /// version's commit (.previous) go once the commit is complete.
    private func removeLeftovers() throws {
        let manager = FileManager.default
        // An earlier version renamed live entries aside into .previous; one left there by a crash goes back.
        let previous = root.appendingPathComponent(".previous").path
        for name in (try? manager.contentsOfDirectory(atPath: previous)) ?? []
        where FileSystem.kind(root.appendingPathComponent(name).path) == .missing {
            try FileSystem.rename((previous as NSString).appendingPathComponent(name), to: root.appendingPathComponent(name).path)
        }
        for name in [OutputWriter.stagingName, ".previous"] {
            try FileWalker.removeTree(root.appendingPathComponent(name).path, action: "清理暂存文件夹")
        }
    }

    /// True while a commit is unfinished: `verify` says so instead of reporting its half-swapped files as tampered.
    static func hasPendingCommit(_ output: URL) -> Bool {
        FileManager.default.fileExists(atPath: output.appendingPathComponent(CommitJournal.name).path)
    }
}

/// Test hooks: `SANXIANG_FAULT=<point>` kills the process with SIGKILL when it reaches that point,
/// as a power cut or the OOM killer would. The points are named where they are passed.
enum Fault {
    private static let target = ProcessInfo.processInfo.environment["SANXIANG_FAULT"]

    /// Whether the tests asked for the fault `name` (one that is not a kill: see `UnreadableTexts`).
    static func isSet(_ name: String) -> Bool { target == name }

    static func point(_ name: String) {
        guard let target, target == name else { return }
        kill(getpid(), SIGKILL)
    }
}
