import Archive
import CaseModel
import ErrorReporting
import Foundation
import Ingest

/// Logs every file the run left in the output folder, and every checked media
/// file, into the append-only ledger, and signs the new tree head. It is the
/// committer's last step: it hashes exactly what a reader will find.
struct ArchiveStage {
    let config: PipelineConfig

    /// Folders of the output tree the pipeline replaces or appends to: a key
    /// placed in one would be swept away by a commit (or served, under public/).
    static let managedFolders = ["public", "internal", "quarantine", "archive", "print", ShardWork.folderName, OutputWriter.stagingName]

    /// Checked before a run starts, so a bad setting stops it before anything is written.
    /// The key may sit at the top of the output folder (the default) or outside it,
    /// never inside a folder the pipeline writes.
    static func checkKeyPlacement(_ config: PipelineConfig) throws {
        let keyPath = PipelineRunner.relative(config.signingKeyURL, to: config.outputURL)
        guard !keyPath.hasPrefix("/") else { return }
        let first = keyPath.split(separator: "/").first.map(String.init) ?? keyPath
        if keyPath.contains("/") || managedFolders.contains(first) || first.hasPrefix(".") {
            let place = first == "public" ? "公开目录 public/ 之下（会被网站公开）" : "输出文件夹的子文件夹中（每次提交会被替换）"
            throw ConfigError(file: config.sourceName, line: nil, key: "archive.signing_key",
                              problem: "签名密钥不能放在\(place)；请放在输出文件夹顶层或输出文件夹之外。")
        }
    }

    /// What the ledger needs from a run, kept in the commit journal.
    static func request(_ ingest: IngestResult, config: PipelineConfig, asOf: CivilDate) -> ArchiveRequest {
        let folder = config.inputURL.appendingPathComponent("media")
        let media: [ArchiveRequest.JournalMedia] = ingest.records.filter(\.mediaVerified).compactMap { record in
            let path = folder.appendingPathComponent(record.file).path
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return nil }
            return .init(file: record.file, caseID: record.caseID, sha256: record.sha256.lowercased(), size: size)
        }
        return ArchiveRequest(asOf: asOf.iso, input: config.inputURL.standardizedFileURL.path, media: media)
    }

    /// `listed`: the output's files as the ledger now describes them (for the unchanged-run record).
    /// `known`: folders the commit knows the files of (the in-place folders it updated), not walked again; made when
    /// the archive lists the output.
    /// `written`: a file's digest as the run wrote it (see `WrittenDigests`), nil to read it.
    func record(_ request: ArchiveRequest, known: () -> [FileWalker.KnownFolder] = { [] }, written: ((ListedFile) -> FileDigest?)? = nil,
                listed: (([ListedFile]) -> Void)? = nil) throws -> ArchiveSummary {
        let root = config.outputURL.standardizedFileURL
        let keyPath = PipelineRunner.relative(config.signingKeyURL, to: root)
        try Self.checkKeyPlacement(config)
        do {
            let key = try SigningKey.loadOrCreate(at: config.signingKeyURL)
            let media = request.media.map { MediaItem(file: $0.file, caseID: $0.caseID, sha256: $0.sha256, declaredSHA256: $0.sha256,
                                                      size: $0.size) }
            var summary = try Archiver.record(root: root, excluded: Self.excluded(config, keyPath: keyPath), media: media, asOf: request.asOf,
                                              input: request.input, key: key, known: known, written: written, listed: listed)
            summary.keyWarning = SigningKey.permissionWarning(at: config.signingKeyURL)
            return summary
        } catch let error as SanxiangError {
            throw error
        } catch {
            throw ArchiveError(path: root.appendingPathComponent(Ledger.folder).path, reason: "\(error)")
        }
    }

    /// Files that change by design between runs, or must not be logged. The unchanged-run record is written
    /// after the ledger and describes the logged files, so it is not one of them.
    static func excluded(_ config: PipelineConfig, keyPath: String) -> [String] {
        let store = PipelineRunner.relative(config.stateStoreURL, to: config.outputURL)
        let numbers = PipelineRunner.relative(config.onsiteNumberStoreURL, to: config.outputURL)
        // The on-site number store and field prints change whenever an officer prints, between runs.
        var paths = [Ledger.folder + "/", OutputWriter.stagingName + "/", ".lock", CommitJournal.name, CommitJournal.name + ".tmp",
                     CommitJournal.publicationsName, CommitJournal.publicationsName + ".tmp",
                     UnchangedRun.recordName, UnchangedRun.recordName + ".tmp",
                     store, store + "-journal", store + "-wal", store + "-shm", store + ".damaged",
                     numbers, numbers + "-wal", numbers + "-shm", numbers + "-journal", "print/",
                     // Workers' results: the run takes its documents from them into internal/, which is logged.
                     ShardWork.folderName + "/"]
        if !keyPath.hasPrefix("/") { paths.append(keyPath) }
        return paths
    }
}
