import CaseModel
import Foundation

extension DocumentData {
    /// Contract v2 data of 行政处罚决定书、事先告知书、当场、不予、听证通知书.
    static func penaltyFamilyFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        [:]
    }
}
