import Archive
import CaseModel
import Foundation
import Ingest

/// Logs every file the run left in the output folder, and every checked media
/// file, into the append-only ledger, and signs the new tree head. Runs after the
/// output is committed, so it hashes exactly what a reader will find.
struct ArchiveStage {
    let config: PipelineConfig
    let asOf: CivilDate

    /// Checked before a run starts, so a bad setting stops it before anything is written.
    static func checkKeyPlacement(_ config: PipelineConfig) throws {
        let keyPath = PipelineRunner.relative(config.signingKeyURL, to: config.outputURL)
        if keyPath.hasPrefix("public/") || keyPath == "public" {
            throw ConfigError(file: "pipeline.yml", line: nil, key: "archive.signing_key",
                              problem: "签名密钥不能放在公开目录 public/ 之下。")
        }
    }

    func run(_ ingest: IngestResult) throws -> ArchiveSummary {
        let root = config.outputURL.standardizedFileURL
        let keyPath = PipelineRunner.relative(config.signingKeyURL, to: root)
        try Self.checkKeyPlacement(config)
        do {
            let key = try SigningKey.loadOrCreate(at: config.signingKeyURL)
            return try Archiver.record(root: root, excluded: excluded(keyPath: keyPath), media: media(ingest), asOf: asOf.iso,
                                       input: config.inputURL.standardizedFileURL.path, key: key)
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError(path: root.appendingPathComponent(Ledger.folder).path, reason: "\(error)")
        }
    }

    /// Files that change by design between runs, or must not be logged.
    private func excluded(keyPath: String) -> [String] {
        let store = PipelineRunner.relative(config.stateStoreURL, to: config.outputURL)
        var paths = [Ledger.folder + "/", ".staging/", store, store + "-journal", store + "-wal", store + "-shm", store + ".damaged"]
        if !keyPath.hasPrefix("/") { paths.append(keyPath) }
        return paths
    }

    /// Media files ingest found and checked against records.csv.
    private func media(_ ingest: IngestResult) -> [MediaItem] {
        let folder = config.inputURL.appendingPathComponent("media")
        return ingest.records.filter(\.mediaVerified).compactMap { record in
            let path = folder.appendingPathComponent(record.file).path
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return nil }
            return MediaItem(file: record.file, caseID: record.caseID, sha256: record.sha256.lowercased(),
                             declaredSHA256: record.sha256.lowercased(), size: size)
        }
    }
}
