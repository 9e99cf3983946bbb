/// A case id names folders and files downstream (`internal/documents/<主体代码>/<案件编号>/`,
/// portal pages), so it must be a safe file name on every system the output
/// may be copied to: `/` would nest folders, `..` would climb out of them.
public enum CaseIDRules {
    /// The longest file name Linux and most other systems allow, in bytes.
    public static let maxBytes = 255

    public enum Problem: Equatable, Sendable {
        case empty
        /// `.` or `..`.
        case dotName
        case containsDotDot
        /// `/` or `\`.
        case pathSeparator
        case tooLong
        /// A control character or one of `: * ? " < > |`, which some systems refuse in names.
        case forbiddenCharacter
        /// Starts with `.` (a hidden file) or `-` (read as an option by tools), or
        /// ends with `.` or a space (dropped by Windows, so two ids could meet).
        case badEdge
        /// A device name Windows reserves (CON, NUL, COM1 …), with or without an extension:
        /// the output folders are copied to Windows machines for printing and archiving.
        case reservedName
    }

    private static let reserved: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL"]
        for digit in 1...9 { names.insert("COM\(digit)"); names.insert("LPT\(digit)") }
        return names
    }()

    public static func validate(_ id: String) -> Problem? {
        if id.isEmpty { return .empty }
        if id == "." || id == ".." { return .dotName }
        if id.contains("..") { return .containsDotDot }
        if id.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }) { return .pathSeparator }
        if id.utf8.count > maxBytes { return .tooLong }
        let forbidden: Set<UInt8> = Set(":*?\"<>|".utf8)
        if id.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || forbidden.contains($0) }) { return .forbiddenCharacter }
        if id.hasPrefix(".") || id.hasPrefix("-") || id.hasSuffix(".") || id.hasSuffix(" ") { return .badEdge }
        let stem = id.split(separator: ".", maxSplits: 1).first.map(String.init) ?? id
        if reserved.contains(stem.uppercased()) { return .reservedName }
        return nil
    }

    public static func isSafe(_ id: String) -> Bool { validate(id) == nil }
}
