import CCairo
import CFreeType
import CHarfBuzz
import CLibXML2

/// Versions of the C libraries this build runs against, for `sanxiang version`
/// and bug reports: layout and PDF bytes depend on them.
public enum LibraryVersions {
    public static var all: [(name: String, version: String)] {
        [("cairo", cairo), ("harfbuzz", harfbuzz), ("freetype", freetype), ("libxml2", libxml2)]
    }

    public static var cairo: String { String(cString: cairo_version_string()) }

    public static var harfbuzz: String { String(cString: hb_version_string()) }

    public static var freetype: String {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let owned = library else { return "unknown" }
        defer { FT_Done_FreeType(owned) }
        var major: FT_Int = 0, minor: FT_Int = 0, patch: FT_Int = 0
        FT_Library_Version(owned, &major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    public static var libxml2: String {
        // LIBXML_DOTTED_VERSION is a macro Swift cannot import; the runtime
        // reports the version as an integer such as 20914.
        let code = __xmlParserVersion().flatMap { $0.pointee }.map { Int(String(cString: $0)) ?? 0 } ?? 0
        return "\(code / 10000).\(code / 100 % 100).\(code % 100)"
    }
}
