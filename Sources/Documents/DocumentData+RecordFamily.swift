import CaseModel
import Foundation

extension DocumentData {
    /// Contract v2 data of 法制审核意见书、送达回证、案卷.
    static func recordFamilyFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        [:]
    }
}
