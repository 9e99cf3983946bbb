import Crypto

/// The export's media/ folder: files are looked up by plain name only; a
/// link that leads outside the export (the folder itself or one file) is
/// refused, and only regular files are opened, so nothing outside the export
/// is ever read and a FIFO cannot hang the run.
struct MediaFolder: Sendable {
    enum Verdict: Equatable {
        case matches, missing, escapes, differs
        case notRegular(InputFileError)
    }

    /// The resolved media folder; nil when media/ itself leads outside the export.
    private let root: String?

    /// nil when the export has no media/ folder.
    init?(export: ExportFolder) {
        guard export.contains("media") else { return nil }
        switch export.resolve("media") {
        case .failure(.escapesExport):
            root = nil
        case .failure:
            return nil
        case .success(let path):
            guard ExportFolder.kind(of: path) == .directory else { return nil }
            root = path
        }
    }

    /// Whether media/ is a link that leads outside the export folder.
    var escapesExport: Bool { root == nil }

    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.hasPrefix("~")
            && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }
    }

    func verify(file name: String, sha256 expected: String) -> Verdict {
        guard let root else { return .escapes }
        let path = root + "/" + name
        guard let resolved = ExportFolder.realPath(path) else { return .missing }
        guard resolved.hasPrefix(root + "/") else { return .escapes }
        var hasher = SHA256()
        if let error = ExportFolder.stream(resolved, { hasher.update(bufferPointer: $0) }) {
            return error == .missing ? .missing : .notRegular(error)
        }
        let digest = hasher.finalize().map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
        return digest == expected ? .matches : .differs
    }
}
