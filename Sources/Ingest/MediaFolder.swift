import Crypto
import Foundation

/// The export's media/ folder: files are looked up by plain name only, and
/// a link that leads outside the export is refused.
struct MediaFolder {
    enum Verdict {
        case matches, missing, escapes, differs
    }

    let root: URL

    /// nil when the export has no media/ folder.
    init?(exportFolder: URL) {
        let folder = exportFolder.appendingPathComponent("media", isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        root = folder.resolvingSymlinksInPath()
    }

    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.hasPrefix("~")
            && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }
    }

    func verify(file name: String, sha256 expected: String) -> Verdict {
        let url = root.appendingPathComponent(name, isDirectory: false)
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
        let resolved = url.resolvingSymlinksInPath()
        guard resolved.path.hasPrefix(root.path + "/") else { return .escapes }
        guard let data = FileManager.default.contents(atPath: resolved.path) else { return .missing }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return digest == expected ? .matches : .differs
    }
}
