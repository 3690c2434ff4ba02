// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "broker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "broker", targets: ["BrokerCLI"]),
        .library(name: "ProviderInterface", targets: ["ProviderInterface"]),
    ],
    targets: [
        // System libraries from Debian (see scripts/bootstrap.sh).
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]),
        // The `broker` executable's allocator: cheaper small allocations than glibc's malloc.
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        // zlib's inflate, for zipped price catalogs (gpuhunt's catalog.zip).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libpq, PostgreSQL's client library, for the shared store of several `broker serve` instances.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Linux's epoll and eventfd headers (part of libc).
        .systemLibrary(name: "CEpoll"),
        // posix_spawn's GNU file actions and pipe2 (part of libc), for the platform's process spawn.
        .systemLibrary(name: "CSpawn"),

        // The platform layer, the one home of what talks to the operating system below the
        // protocols: one-thread event loops (epoll reactor and task executor), the thread starter,
        // the thread-local type, the monotonic clock, process spawn, busy-polling, the loopback
        // rule and the header look-up. Depends on libc only.
        .target(name: "Platform", dependencies: ["CEpoll", "CSpawn"]),
        // The protocol and its value types: no C, no I/O.
        .target(name: "ProviderInterface"),
        // The one HTTP server layer (simulator now, `broker serve` later).
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "CEpoll", "Platform"]),
        // A PostgreSQL client over libpq: connections, parameterised queries, transactions,
        // LISTEN/NOTIFY, advisory locks, COPY. Knows no broker types; the store's backend uses it.
        .target(name: "PostgresClient", dependencies: ["CLibPQ"]),
        // Provider adapters and the libcurl transport.
        .target(
            name: "Adapters", dependencies: ["ProviderInterface", "Platform", "CCurl", "CZlib"],
            exclude: ["ADDING_A_PROVIDER.md"]),
        // Registry, store, refresher, routing, ledger; knows adapters only through the protocol.
        .target(name: "Broker", dependencies: ["ProviderInterface", "Platform", "CSQLite", "PostgresClient"]),
        // `broker serve`: the OpenAI-compatible endpoint, marketplace API and web page.
        .target(name: "BrokerServe", dependencies: ["Broker", "HTTPServer", "ProviderInterface", "Platform"]),
        // The `broker` commands: typed options, help and dispatch, in a library so tests parse argv directly.
        // Only `serve` needs BrokerServe; the other commands reach the presentation types in Broker.
        .target(
            name: "BrokerCommands",
            dependencies: [
                "Broker", "Adapters", "ProviderInterface", "BrokerServe", "HTTPServer", "Platform", "CMimalloc",
            ]),
        // The `broker` executable: main.swift calls BrokerCommands.
        .executableTarget(name: "BrokerCLI", dependencies: ["BrokerCommands", "CMimalloc"]),
        // Test support: the loopback provider simulator and fakes.
        .target(
            name: "ProviderSimulator",
            dependencies: ["HTTPServer", "ProviderInterface", "Platform", "PostgresClient", "CZlib"],
            resources: [.copy("Fixtures")]),

        .testTarget(name: "ProviderInterfaceTests", dependencies: ["ProviderInterface"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "Platform", "ProviderInterface", "Adapters", "ProviderSimulator"]),
        .testTarget(
            name: "AdaptersTests",
            dependencies: ["Adapters", "ProviderInterface", "Platform", "ProviderSimulator", "CCurl"]),
        .testTarget(name: "BrokerTests", dependencies: ["Broker", "PostgresClient", "ProviderInterface", "CSQLite"]),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient"]),
        .testTarget(
            name: "BrokerServeTests",
            dependencies: [
                "BrokerServe", "Broker", "Adapters", "Platform", "PostgresClient", "ProviderInterface",
                "ProviderSimulator",
                "HTTPServer",
            ]),
        .testTarget(
            name: "BrokerCommandsTests", dependencies: ["BrokerCommands", "Broker", "ProviderInterface", "HTTPServer"]),
        .testTarget(
            name: "BrokerCLITests",
            dependencies: [
                "BrokerCLI", "Broker", "Platform", "PostgresClient", "ProviderInterface", "ProviderSimulator",
            ]),

        // Benchmarks: built, never run by `swift test`.
        .executableTarget(
            name: "TransportBench",
            dependencies: ["Adapters", "Platform", "ProviderSimulator"],
            path: "bench/TransportBench"),
        .executableTarget(
            name: "CatalogBench",
            dependencies: ["Adapters", "ProviderInterface", "ProviderSimulator", "Broker"],
            path: "bench/CatalogBench"),
        .executableTarget(
            name: "ServeBench",
            dependencies: ["BrokerServe", "Broker", "Adapters", "HTTPServer", "ProviderSimulator"],
            path: "bench/ServeBench"),
        .executableTarget(
            name: "MarketBench",
            dependencies: ["Adapters", "Broker", "ProviderInterface", "ProviderSimulator"],
            path: "bench/MarketBench"),
        .executableTarget(
            name: "InferenceBench",
            dependencies: ["ProviderSimulator"],
            path: "bench/InferenceBench",
            exclude: ["openai_oneshot.py"]),
        .executableTarget(
            name: "ComputeBench",
            dependencies: ["Adapters", "Broker", "ProviderInterface", "ProviderSimulator"],
            path: "bench/ComputeBench"),
        .executableTarget(
            name: "LedgerBench",
            dependencies: ["Broker", "PostgresClient", "ProviderInterface"],
            path: "bench/LedgerBench"),
        .executableTarget(
            name: "StoreBench",
            dependencies: ["Broker", "ProviderInterface"],
            path: "bench/StoreBench"),
    ],
    swiftLanguageModes: [.v6]
)
