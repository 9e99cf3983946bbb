import ErrorReporting
import Dispatch
import Foundation
import Native
import Yams

/// What a font is used for; GB/T 9704 assigns a typeface to each.
public enum FontRole: String, CaseIterable, Sendable {
    case title, body, heading, kai, latin

    var chineseName: String {
        switch self {
        case .title: return "标题（小标宋）"
        case .body: return "正文（仿宋）"
        case .heading: return "标题（黑体）"
        case .kai: return "楷体"
        case .latin: return "西文和数字"
        }
    }
}

/// A problem with the font manifest or a font file, naming the role and path.
public struct FontError: SanxiangError, Equatable, Sendable {
    public var role: String
    public var path: String
    public var problem: String

    public var message: String { "字体“\(role)”（\(path)）：\(problem)" }
}

/// The faces of every role, loaded once and shared by all documents.
///
/// A role lists one or more font files; the first file present is the role's
/// face and the later ones draw the characters it lacks (a GB 2312 face has no
/// 堃 or 𠮷 of a party's name), at the role's size.
public final class FontSet: @unchecked Sendable {
    /// The faces of every role, in `FontRole.allCases` order; none is empty.
    private let roleFaces: [FaceChoice]
    /// One prepared font per distinct face (roles may share a face).
    let prepared: [ObjectIdentifier: PreparedFont]

    init(faces: [FontRole: [FontFace]], cache: FontCache) throws {
        let lists = try FontRole.allCases.map { role in
            guard let list = faces[role], !list.isEmpty else {
                throw FontError(role: role.chineseName, path: "-", problem: "没有这个角色的字体。")
            }
            return list
        }
        var coverage: [ObjectIdentifier: [UInt8]] = [:]
        roleFaces = lists.map { list in
            FaceChoice(faces: list, coverage: list.dropLast().map { face in
                if let known = coverage[ObjectIdentifier(face)] { return known }
                let bitmap = face.bmpCoverage()
                coverage[ObjectIdentifier(face)] = bitmap
                return bitmap
            })
        }
        var distinct: [FontFace] = []
        for face in lists.joined() where !distinct.contains(where: { $0 === face }) { distinct.append(face) }
        // Each face is prepared on its own core: the first run converts them all.
        let made = concurrentResults(distinct) { try PreparedFont(face: $0, cache: cache) }
        var prepared: [ObjectIdentifier: PreparedFont] = [:]
        for (face, result) in zip(distinct, made) { prepared[ObjectIdentifier(face)] = try result.get() }
        self.prepared = prepared
    }

    func face(_ role: FontRole) -> FontFace { choice(role).faces[0] }

    /// The role's faces and what they cover, looked up once per run of text, not per character.
    func choice(_ role: FontRole) -> FaceChoice {
        switch role {
        case .title: return roleFaces[0]
        case .body: return roleFaces[1]
        case .heading: return roleFaces[2]
        case .kai: return roleFaces[3]
        case .latin: return roleFaces[4]
        }
    }

    /// Whether the role has faces for the characters its first face lacks.
    func hasFallback(_ role: FontRole) -> Bool { choice(role).faces.count > 1 }

    /// Every face a layout uses comes from `faces(_:)`, so it has been prepared.
    func prepared(_ face: FontFace) throws -> PreparedFont {
        guard let font = prepared[ObjectIdentifier(face)] else {
            throw TypesettingError(message: "排版时遇到未加载的字体。")
        }
        return font
    }

    /// Loads `fonts.yml`; relative paths are inside the manifest's folder, `~/` is the home folder.
    public static func load(manifest url: URL) throws -> FontSet {
        try load(manifest: url, cache: .standard())
    }

    static func load(manifest url: URL, cache: FontCache) throws -> FontSet {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw FontError(role: "-", path: url.path, problem: "无法读取字体清单。")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw FontError(role: "-", path: url.path, problem: "字体清单不是有效的 YAML。")
        }
        guard let roles = root?["roles"]?.mapping else {
            throw FontError(role: "-", path: url.path, problem: "字体清单缺少 roles。")
        }
        var loader = FaceLoader(folder: url.deletingLastPathComponent())
        var faces: [FontRole: [FontFace]] = [:]
        for role in FontRole.allCases {
            faces[role] = try loader.faces(of: role, entry: roles[role.rawValue], manifest: url.path)
        }
        return try FontSet(faces: faces, cache: cache)
    }
}

/// A role's faces in order, with the BMP coverage of every face but the last.
struct FaceChoice {
    let faces: [FontFace]
    let coverage: [[UInt8]]

    /// The first face that has the character; the first face when none has it.
    func face(for scalar: Unicode.Scalar) -> FontFace {
        let value = scalar.value
        for (index, bitmap) in coverage.enumerated() {
            let has = value < 0x10000 ? bitmap[Int(value >> 3)] & UInt8(1 << (value & 7)) != 0 : faces[index].covers(scalar)
            if has { return faces[index] }
        }
        if faces.count > 1, let last = faces.last, last.covers(scalar) { return last }
        return faces[0]
    }
}

/// Reads a role's entries — one `file`/`index` mapping, or a list of them —
/// sharing files and faces between roles.
private struct FaceLoader {
    let folder: URL
    private var files: [String: FontFile] = [:]
    private var byLocation: [String: FontFace] = [:]

    init(folder: URL) { self.folder = folder }

    /// The faces of the entries whose file exists, in order; a file that exists
    /// but cannot be read stops the run rather than being skipped silently.
    mutating func faces(of role: FontRole, entry: Node?, manifest: String) throws -> [FontFace] {
        let entries = entry?.sequence.map(Array.init) ?? (entry.map { [$0] } ?? [])
        var paths: [String] = []
        var faces: [FontFace] = []
        for item in entries {
            guard let file = item["file"]?.string else {
                throw FontError(role: role.chineseName, path: manifest, problem: "清单中这个角色的字体缺少 file。")
            }
            let path = resolve(file)
            paths.append(path)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            faces.append(try face(path: path, index: item["index"]?.int ?? 0, role: role))
        }
        guard !faces.isEmpty else {
            throw FontError(role: role.chineseName, path: paths.isEmpty ? manifest : paths.joined(separator: "、"),
                            problem: paths.isEmpty ? "清单中没有这个角色的 file。"
                                : "字体文件都不存在（运行 make deps 安装字体，或修改 Fonts/fonts.yml）。")
        }
        return faces
    }

    private func resolve(_ file: String) -> String {
        if file.hasPrefix("~/") {
            // $HOME first, as the shell (and `make deps`, which fills the folder) reads it.
            let home = ProcessInfo.processInfo.environment["HOME"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            return home.appendingPathComponent(String(file.dropFirst(2))).path
        }
        return file.hasPrefix("/") ? file : folder.appendingPathComponent(file).path
    }

    private mutating func face(path: String, index: Int, role: FontRole) throws -> FontFace {
        do {
            let fontFile = try files[path] ?? FontFile(path: path)
            files[path] = fontFile
            let face = try byLocation["\(path)#\(index)"] ?? FontFace(file: fontFile, index: index)
            byLocation["\(path)#\(index)"] = face
            return face
        } catch {
            throw FontError(role: role.chineseName, path: path, problem: "无法读取字体文件或其中第 \(index) 个字体。")
        }
    }
}

/// Runs `work` for each item on every core and returns the results in order.
func concurrentResults<T, U>(_ items: [T], _ work: (T) throws -> U) -> [Result<U, Error>] {
    var results = [Result<U, Error>?](repeating: nil, count: items.count)
    results.withUnsafeMutableBufferPointer { slots in
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            slots[index] = Result { try work(items[index]) }
        }
    }
    return results.map { $0! }
}
