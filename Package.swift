// swift-tools-version:6.0
import PackageDescription

// The package graph is kept lean on purpose: CI builds every dependency from
// scratch on two cores, so each one must earn its build minutes.
let package = Package(
    name: "Sanxiang",
    products: [
        .executable(name: "sanxiang", targets: ["sanxiang"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries: system-library targets, imported only by `Native`.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CHarfBuzz", pkgConfig: "harfbuzz-subset",
                       providers: [.apt(["libharfbuzz-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2",
                       providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        // The shard queue of `sanxiang worker` when state_store is a postgresql:// URL.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),

        // Compresses the streams Cairo writes with libdeflate instead of zlib (see the .c file).
        .target(name: "CairoDeflate", linkerSettings: [.linkedLibrary("deflate"), .linkedLibrary("z")]),
        // renameat2(RENAME_EXCHANGE), flock and private file creation, which Swift's Glibc module does not expose.
        .target(name: "CFileSystem"),

        // The one protocol every user-facing failure conforms to.
        .target(name: "ErrorReporting"),

        // The one thin, safe layer that owns every C pointer.
        // Optimised even in debug builds: converting the working fonts on a first
        // run takes half a minute unoptimised and a few seconds optimised.
        .target(name: "Native", dependencies: ["CaseModel", "CCairo", "CHarfBuzz", "CFreeType", "CLibXML2", "CLibPQ", "CairoDeflate", "CFileSystem", "ErrorReporting"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),

        // Typesetting: GB/T 9704 layout, HarfBuzz shaping, Cairo PDF/PS.
        .target(name: "Typesetting", dependencies: [
            "Native", "ErrorReporting",
            .product(name: "Yams", package: "Yams"),
        ]),

        // Domain.
        .target(name: "CaseModel"),
        .target(name: "Ingest", dependencies: [
            "CaseModel", "Native", "ErrorReporting",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Documents", dependencies: ["CaseModel", "Typesetting", "Native", "Web", "ErrorReporting"]),
        .target(name: "WorkingDays", dependencies: ["CaseModel", "ErrorReporting"]),
        .target(name: "Web"),
        // Resources: the word list and the given-name model of the name finder (see Resources/README.md).
        .target(name: "Disclosure", dependencies: ["CaseModel"], resources: [.copy("Resources")]),
        // Optimised in debug builds too: the search index of 100,000 decisions takes about
        // half a minute unoptimised (generic dictionaries of millions of keys).
        .target(name: "Portal", dependencies: ["CaseModel", "Disclosure", "Web"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Archive", dependencies: ["ErrorReporting", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Reports", dependencies: ["CaseModel", "WorkingDays", "Typesetting", "Web"]),
        .target(name: "Review", dependencies: ["CaseModel", "Ingest", "WorkingDays", "Web"]),
        .target(name: "Pipeline", dependencies: [
            "CaseModel", "Ingest", "Native", "Documents", "Typesetting", "WorkingDays", "Reports", "Review", "Archive", "Disclosure", "Portal",
            "ErrorReporting", "Web",
            .product(name: "Yams", package: "Yams"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "SanxiangCLI", dependencies: [
            "Pipeline", "Ingest", "CaseModel", "Native", "Documents", "Typesetting", "WorkingDays", "Archive", "Disclosure",
            "ErrorReporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // mimalloc (Debian libmimalloc-dev) in place of glibc's malloc, for the whole process: a night of
        // 100,000 cases makes and frees millions of small objects, and glibc's malloc and free were a
        // tenth of its main thread (README, 规模). jemalloc did as well there but drew documents a seventh
        // slower. Nothing calls it by name; linking it is the whole change.
        .executableTarget(name: "sanxiang", dependencies: ["SanxiangCLI"],
                          linkerSettings: [.linkedLibrary("mimalloc")]),

        .target(name: "TestSupport", dependencies: ["Native"], path: "Tests/TestSupport"),
        .testTarget(name: "NativeTests", dependencies: ["Native", "CaseModel", "TestSupport"]),
        .testTarget(name: "TypesettingTests", dependencies: ["Typesetting", "Native", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "CaseModelTests", dependencies: ["CaseModel"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "CaseModel", "Native", "TestSupport"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "CaseModel", "Typesetting", "Ingest", "Review", "TestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "WorkingDaysTests", dependencies: ["WorkingDays", "CaseModel", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "WorkingDays", "CaseModel", "Typesetting"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "DisclosureTests", dependencies: ["Disclosure", "CaseModel", "TestSupport"], resources: [.copy("Corpus")]),
        .testTarget(name: "PortalTests", dependencies: ["Portal", "Disclosure", "CaseModel", "TestSupport"]),
        .testTarget(name: "ReviewTests", dependencies: ["Review", "CaseModel", "WorkingDays"]),
        // The CLI tests run the built `sanxiang` product, which `swift test` builds with everything else.
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Ingest", "CaseModel", "Documents", "Typesetting", "Archive", "Review",
                                                          "Disclosure", "ErrorReporting", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
