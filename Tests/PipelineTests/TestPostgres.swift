import Foundation
import XCTest

/// A PostgreSQL server of the tests' own, on 127.0.0.1 at a free port, in a temporary
/// folder (Tests/Fixtures/postgres.sh; `make test` installs Debian's postgresql).
/// One per test class: started in `class setUp`, stopped and removed in `class tearDown`.
final class TestPostgres {
    let folder: URL
    let url: String

    static let script = Repo.root.appendingPathComponent("Tests/Fixtures/postgres.sh").path

    init() throws {
        folder = Repo.temporaryFolder("postgres")
        let started = try Repo.run("/bin/bash", [Self.script, "start", folder.appendingPathComponent("pg").path])
        guard started.code == 0, let line = started.output.split(separator: "\n").last(where: { $0.hasPrefix("postgresql://") }) else {
            // A failure, not a skip: CI installs PostgreSQL, so a server that does not start is a fault to see.
            throw NotStarted(output: started.output)
        }
        url = String(line)
    }

    struct NotStarted: Error, CustomStringConvertible {
        let output: String
        var description: String { "PostgreSQL did not start (Tests/Fixtures/postgres.sh): \(output)" }
    }

    func stop() {
        _ = try? Repo.run("/bin/bash", [Self.script, "stop", folder.appendingPathComponent("pg").path])
        try? FileManager.default.removeItem(at: folder)
    }
}
