// swift-tools-version: 6.0
// Velo: a declarative planning language for supply-chain planners.
//
// Modules are pipeline stages; dependencies point one way:
//   VeloSyntax <- VeloCheck <- VeloEngine <- VeloFrontend <- velo
//   VeloData (CSV -> columnar tables) knows nothing of the language.
//   VeloStdlib (numeric kernels of the builtins) and VeloRender (tables -> text/csv/json,
//   number formats) know nothing of the language either. The engine uses VeloStdlib and
//   returns data; only the frontend words it, with VeloRender.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Velo",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "velo", targets: ["velo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // GNU readline (Debian: libreadline-dev) for `velo repl`; no pkgConfig (its flags are prohibited).
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        // The SQLite C library (Debian: libsqlite3-dev) for `sqlite(...)` sources.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // libpq (Debian: libpq-dev) for `postgres(...)` sources.
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres"),
        .target(name: "VeloSyntax", swiftSettings: strict),
        .target(name: "VeloData", dependencies: ["CSQLite", "CPostgres"], swiftSettings: strict),
        .target(name: "VeloStdlib", dependencies: ["VeloData"], swiftSettings: strict),
        .target(name: "VeloRender", dependencies: ["VeloData", "CSQLite", "CPostgres"], swiftSettings: strict),
        .target(name: "VeloCheck", dependencies: ["VeloSyntax", "VeloData"], swiftSettings: strict),
        .target(name: "VeloEngine", dependencies: ["VeloCheck", "VeloData", "VeloSyntax", "VeloStdlib"], swiftSettings: strict),
        // SQL: compiles the checked program (through its evaluation graph) to DuckDB, PostgreSQL and Spark
        // SQL and runs it there; PostgreSQL through libpq (Debian: libpq-dev).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        .target(name: "VeloSQL", dependencies: ["VeloCheck", "VeloEngine", "VeloData", "VeloSyntax", "VeloStdlib", "CLibPQ"],
                swiftSettings: strict),
        .target(
            name: "VeloFrontend",
            dependencies: [
                "VeloSyntax", "VeloCheck", "VeloEngine", "VeloData", "VeloRender", "CReadline", "VeloSQL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "velo", dependencies: ["VeloFrontend"], swiftSettings: strict),
        .testTarget(name: "VeloSyntaxTests", dependencies: ["VeloSyntax"], swiftSettings: strict),
        .testTarget(name: "VeloDataTests", dependencies: ["VeloData"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "VeloStdlibTests", dependencies: ["VeloStdlib", "VeloData"], exclude: ["Oracles"], swiftSettings: strict),
        .testTarget(name: "VeloRenderTests", dependencies: ["VeloRender", "VeloData"], exclude: ["Golden"], swiftSettings: strict),
        .testTarget(name: "VeloCheckTests", dependencies: ["VeloCheck", "VeloSyntax"], swiftSettings: strict),
        // The engine tests word reasons and messages with the frontend's `ResultText`, to pin the text too.
        // Both write SQLite databases through the C library (appended and edited rows).
        .testTarget(name: "VeloEngineTests", dependencies: ["VeloEngine", "VeloCheck", "VeloData", "VeloFrontend", "CSQLite"],
                    swiftSettings: strict),
        .testTarget(name: "VeloFrontendTests", dependencies: ["VeloFrontend", "CSQLite"], swiftSettings: strict),
        .testTarget(name: "VeloSQLTests", dependencies: ["VeloSQL", "VeloFrontend", "VeloCheck", "VeloEngine", "VeloSyntax", "VeloData"],
                    exclude: ["Golden"], swiftSettings: strict),
    ]
)
