import CaseModel
import XCTest

/// Amounts in Chinese uppercase, against forms printed on real documents and
/// in the standard bank and invoice conventions.
final class UppercaseTests: XCTestCase {
    /// Figures as documents print them: thousands grouped, fen always two digits.
    func testGroupedFigures() throws {
        let cases: [(String, String)] = [("0", "0.00"), ("5", "5.00"), ("999", "999.00"), ("1000", "1,000.00"), ("1047320", "1,047,320.00"),
                                         ("100000", "100,000.00"), ("1234567.5", "1,234,567.50"), ("0.05", "0.05"), ("-234", "-234.00"),
                                         ("-1234.56", "-1,234.56")]
        for (decimal, printed) in cases {
            XCTAssertEqual(try XCTUnwrap(Yuan(decimal: decimal)).groupedString, printed, decimal)
        }
    }

    func testKnownForms() {
        let cases: [(String, String)] = [
            ("50000", "人民币伍万元整"), ("200", "人民币贰佰元整"), ("3000", "人民币叁仟元整"),
            ("15000", "人民币壹万伍仟元整"), ("151400", "人民币壹拾伍万壹仟肆佰元整"),
            ("10500", "人民币壹万零伍佰元整"), ("100010", "人民币壹拾万零壹拾元整"), ("1000000", "人民币壹佰万元整"),
            ("105000000", "人民币壹亿零伍佰万元整"), ("1234.56", "人民币壹仟贰佰叁拾肆元伍角陆分"),
            ("1000.05", "人民币壹仟元零伍分"), ("0.5", "人民币伍角"), ("0.05", "人民币伍分"), ("0", "人民币零元整"),
            ("10", "人民币壹拾元整"), ("100.10", "人民币壹佰元壹角"), ("1409.50", "人民币壹仟肆佰零玖元伍角"), ("60036", "人民币陆万零叁拾陆元整"),
            ("2000", "人民币贰仟元整"), ("101", "人民币壹佰零壹元整"),
        ]
        for (amount, expected) in cases {
            XCTAssertEqual(Yuan(decimal: amount)?.chineseUppercase, expected, amount)
        }
    }
}
