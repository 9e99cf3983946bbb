import CaseModel
import Foundation

extension DocumentData {
    /// Contract v2 data of 责令改正、查封扣押、强制执行、催告书、许可、撤销/变更决定书.
    static func coercionFamilyFields(_ inputs: DetailInputs) -> [String: TemplateValue] {
        [:]
    }
}
