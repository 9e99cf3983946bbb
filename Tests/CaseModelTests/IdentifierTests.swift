import CaseModel
import XCTest

/// Check characters against vectors published with the standards and by
/// registries, not against numbers this project generated.
final class IdentifierTests: XCTestCase {
    func testResidentIDExamplesFromGB11643() {
        // The worked examples of GB 11643-1999.
        XCTAssertNil(ResidentIDNumber.validate("11010519491231002X"))
        XCTAssertNil(ResidentIDNumber.validate("440524188001010014"))
        XCTAssertEqual(ResidentIDNumber.checkCharacter(for: "11010519491231002"), "X")
        XCTAssertEqual(ResidentIDNumber.checkCharacter(for: "44052418800101001"), "4")
    }

    func testResidentIDAcceptsLowercaseX() {
        XCTAssertNil(ResidentIDNumber.validate("11010519491231002x"))
    }

    func testResidentIDRejectsEveryWrongCheckCharacter() {
        for wrong in "0123456789X" where wrong != "X" {
            XCTAssertEqual(ResidentIDNumber.validate("11010519491231002" + String(wrong)), .badCheckDigit(expected: "X"))
        }
    }

    func testResidentIDRejectsImpossibleBirthDates() {
        // 1949-02-30 does not exist; the check character is computed to be right.
        let body = "11010519490230002"
        let number = body + String(ResidentIDNumber.checkCharacter(for: body)!)
        XCTAssertEqual(ResidentIDNumber.validate(number), .badBirthDate)
    }

    func testResidentIDShapes() {
        XCTAssertEqual(ResidentIDNumber.validate("1101051949123100"), .badLength)
        XCTAssertEqual(ResidentIDNumber.validate("1101051949123100AX"), .badCharacter)
        XCTAssertNil(ResidentIDNumber.validate("110105491231002"), "legacy 15-digit number")
        XCTAssertEqual(ResidentIDNumber.birthDate(of: "110105491231002"), CivilDate(year: 1949, month: 12, day: 31))
    }

    func testAgeCountsWholeYears() {
        let birth = CivilDate(year: 2008, month: 3, day: 15)!
        XCTAssertEqual(ResidentIDNumber.age(birth: birth, on: CivilDate(year: 2026, month: 3, day: 14)!), 17)
        XCTAssertEqual(ResidentIDNumber.age(birth: birth, on: CivilDate(year: 2026, month: 3, day: 15)!), 18)
    }

    func testCreditCodesOfRegisteredEntities() {
        // The example of GB 32100-2015 and codes printed on public business licences.
        for code in ["91350100M000100Y43", "914403001922038216", "9144030071526726XG", "91330100799655058B"] {
            XCTAssertNil(UnifiedSocialCreditCode.validate(code), code)
        }
        XCTAssertEqual(UnifiedSocialCreditCode.checkCharacter(for: "91350100M000100Y4"), "3")
    }

    func testCreditCodeProblems() {
        XCTAssertEqual(UnifiedSocialCreditCode.validate("91350100M000100Y44"), .badCheckCharacter(expected: "3"))
        XCTAssertEqual(UnifiedSocialCreditCode.validate("91350100M000100Y4"), .badLength)
        // I, O, Z, S and V are not in the alphabet.
        XCTAssertEqual(UnifiedSocialCreditCode.validate("91350100I000100Y43"), .badCharacter)
    }
}

final class ValueTests: XCTestCase {
    func testYuanIsExact() {
        XCTAssertEqual(Yuan(decimal: "0.1")! + Yuan(decimal: "0.2")!, Yuan(decimal: "0.30")!)
        XCTAssertEqual(Yuan(decimal: "50000")?.decimalString, "50000.00")
        XCTAssertEqual(Yuan(decimal: "1234.5")?.fen, 123450)
        XCTAssertNil(Yuan(decimal: "1.234"))
        XCTAssertNil(Yuan(decimal: "1."))
        XCTAssertNil(Yuan(decimal: "abc"))
    }

    func testCivilDateArithmetic() {
        let date = CivilDate(year: 2025, month: 1, day: 1)!
        XCTAssertEqual(date.weekdayIndex, 2, "2025-01-01 was a Wednesday")
        XCTAssertEqual(CivilDate(dayNumber: date.dayNumber), date)
        XCTAssertEqual(date.adding(days: 59).iso, "2025-03-01")
        XCTAssertEqual(CivilDate(year: 2024, month: 2, day: 28)!.adding(days: 1).iso, "2024-02-29")
        XCTAssertNil(CivilDate(year: 2025, month: 2, day: 29))
        XCTAssertEqual(date.chinese, "2025年1月1日")
        XCTAssertEqual(CivilDate(dayNumber: 0).iso, "1970-01-01")
    }
}
