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
public final class FontSet: @unchecked Sendable {
    /// A face for every role, in `FontRole.allCases` order.
    private let roleFaces: [FontFace]
    /// One prepared font per distinct face (roles may share a face).
    let prepared: [ObjectIdentifier: PreparedFont]

    init(faces: [FontRole: FontFace], cache: FontCache) throws {
        roleFaces = try FontRole.allCases.map { role in
            guard let face = faces[role] else { throw FontError(role: role.chineseName, path: "-", problem: "没有这个角色的字体。") }
            return face
        }
        var distinct: [FontFace] = []
        for face in roleFaces where !distinct.contains(where: { $0 === face }) { distinct.append(face) }
        // Each face is prepared on its own core: the first run converts them all.
        let made = concurrentResults(distinct) { try PreparedFont(face: $0, cache: cache) }
        var prepared: [ObjectIdentifier: PreparedFont] = [:]
        for (face, result) in zip(distinct, made) { prepared[ObjectIdentifier(face)] = try result.get() }
        self.prepared = prepared
    }

    func face(_ role: FontRole) -> FontFace { roleFaces[FontRole.allCases.firstIndex(of: role) ?? 0] }

    /// Every face a layout uses comes from `face(_:)`, so it has been prepared.
    func prepared(_ face: FontFace) throws -> PreparedFont {
        guard let font = prepared[ObjectIdentifier(face)] else {
            throw TypesettingError(message: "排版时遇到未加载的字体。")
        }
        return font
    }

    /// Loads `fonts.yml`; relative paths are inside the manifest's folder.
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
        var files: [String: FontFile] = [:]
        var faces: [FontRole: FontFace] = [:]
        var byLocation: [String: FontFace] = [:]
        for role in FontRole.allCases {
            guard let entry = roles[role.rawValue], let file = entry["file"]?.string else {
                throw FontError(role: role.chineseName, path: url.path, problem: "清单中没有这个角色的 file。")
            }
            let index = entry["index"]?.int ?? 0
            let path = file.hasPrefix("/") ? file : url.deletingLastPathComponent().appendingPathComponent(file).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw FontError(role: role.chineseName, path: path, problem: "字体文件不存在（可安装 fonts-noto-cjk，或修改 Fonts/fonts.yml）。")
            }
            do {
                let fontFile = try files[path] ?? FontFile(path: path)
                files[path] = fontFile
                let face = try byLocation["\(path)#\(index)"] ?? FontFace(file: fontFile, index: index)
                byLocation["\(path)#\(index)"] = face
                faces[role] = face
            } catch {
                throw FontError(role: role.chineseName, path: path, problem: "无法读取字体文件或其中第 \(index) 个字体。")
            }
        }
        return try FontSet(faces: faces, cache: cache)
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
