// swift-tools-version: 6.0
// The dependency list of each target is the layer diagram: every arrow points
// down, from the `lode` executable to the C libraries.
import PackageDescription

let package = Package(
  name: "lode",
  products: [
    .executable(name: "lode", targets: ["lode"]),
    // Fuzz targets for the parsers (`make fuzz`); without the fuzzer it replays inputs.
    .executable(name: "lode-fuzz", targets: ["LodeFuzz"]),
    // Single-core throughput of the chunker and the hash (`make bench`).
    .executable(name: "lode-microbench", targets: ["LodeMicrobench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    // The three-line entry point; the command tree lives in LodeCLI.
    .executableTarget(name: "lode", dependencies: ["LodeCLI"]),
    // libFuzzer entry points for every parser of untrusted input (docs/guarantees.md).
    .executableTarget(
      name: "LodeFuzz", dependencies: ["LodeKit", "Pipeline", "Formats", "ObjectStore", "GitBridge", "Basics"]),
    .executableTarget(name: "LodeMicrobench", dependencies: ["ObjectStore", "Basics"]),
    // Argument parsing, rendering, exit codes: the only ArgumentParser user.
    .target(
      name: "LodeCLI",
      dependencies: [
        "LodeKit", "Pipeline", "Basics",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The project use-cases: pointers, trees, the stat index, add/status/checkout.
    .target(
      name: "LodeKit",
      dependencies: [
        "Pipeline", "Formats", "ObjectStore", "Remotes", "GitBridge", "Basics",
        .product(name: "Yams", package: "Yams"),
      ]),
    // Strict YAML reading with file:line errors, and stable YAML writing.
    .target(name: "Formats", dependencies: ["Basics", .product(name: "Yams", package: "Yams")]),
    // lode.yaml, params files, lode.lock, the stage graph, and running stage commands.
    .target(
      name: "Pipeline", dependencies: ["Formats", "ObjectStore", "Basics", .product(name: "Yams", package: "Yams")]),
    // Remotes that move opaque named objects: a shared filesystem, S3, and memory for tests.
    .target(name: "Remotes", dependencies: ["Basics", "CCurl"]),
    // The content-addressed, compressed object cache.
    .target(name: "ObjectStore", dependencies: ["Basics", "CZlib", "CZstd"]),
    // The only libgit2 user: discovery, ignore checks, index, config files.
    .target(name: "GitBridge", dependencies: ["Basics", "CLibgit2"]),
    // Paths, atomic files, locks, hashing, diagnostics, parallel loops.
    .target(name: "Basics", dependencies: ["CCrypto", "CSHA256Pair"]),
    // Two SHA-256 streams at once with the x86 SHA instructions (chunked adds).
    // Optimized in debug builds too: the tests add GiB-sized files.
    .target(name: "CSHA256Pair", cSettings: [.unsafeFlags(["-O2"])]),
    .systemLibrary(
      name: "CLibgit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
    // libcurl's headers only: S3 remotes dlopen libcurl on first use (Sources/CCurl/shim.h).
    .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
    .systemLibrary(
      name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
    .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "ObjectStore", "Basics"]),
    .testTarget(name: "RemotesTests", dependencies: ["Remotes", "Basics", "S3TestServer"]),
    // Starts moto (a real S3-compatible server) and fault-injecting proxies on loopback for tests.
    .target(name: "S3TestServer", path: "Tests/S3Server", exclude: ["s3_server.py"]),
    .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "Basics"]),
    .testTarget(name: "LodeKitTests", dependencies: ["LodeKit", "Formats", "GitBridge", "ObjectStore", "Basics"]),
    // Runs the built `lode` binary in temporary real git repositories.
    .testTarget(name: "EndToEndTests", dependencies: ["lode", "Basics", "S3TestServer"]),
  ],
  swiftLanguageModes: [.v6]
)
