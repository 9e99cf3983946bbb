import Native
import XCTest

final class IconvTests: XCTestCase {
    func testGB18030ToUTF8() throws {
        // 执法 in GB18030 is D6 B4 B7 A8.
        let utf8 = try Iconv.convert([0xD6, 0xB4, 0xB7, 0xA8], from: "GB18030", to: "UTF-8")
        XCTAssertEqual(String(decoding: utf8, as: UTF8.self), "执法")
    }

    func testFourByteSequence() throws {
        // U+20000 𠀀 is the four-byte GB18030 sequence 95 32 82 36.
        let utf8 = try Iconv.convert([0x95, 0x32, 0x82, 0x36], from: "GB18030", to: "UTF-8")
        XCTAssertEqual(String(decoding: utf8, as: UTF8.self), "\u{20000}")
    }

    func testInvalidAndTruncatedInput() {
        XCTAssertThrowsError(try Iconv.convert([0x41, 0xFF, 0x41], from: "GB18030", to: "UTF-8")) { error in
            XCTAssertEqual(error as? Iconv.Failure, .invalidSequence(offset: 1))
        }
        XCTAssertThrowsError(try Iconv.convert([0x41, 0xD6], from: "GB18030", to: "UTF-8")) { error in
            XCTAssertEqual(error as? Iconv.Failure, .truncated(offset: 1))
        }
        XCTAssertThrowsError(try Iconv.convert([0x41], from: "NO-SUCH-ENCODING", to: "UTF-8"))
    }

    func testLibraryVersionsAreReported() {
        let names = LibraryVersions.all.map(\.name)
        XCTAssertEqual(names, ["cairo", "harfbuzz", "freetype", "libxml2"])
        for library in LibraryVersions.all {
            XCTAssertTrue(library.version.first?.isNumber ?? false, "\(library.name): \(library.version)")
        }
    }
}
