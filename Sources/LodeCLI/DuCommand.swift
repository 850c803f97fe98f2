import ArgumentParser
import Basics
import LodeKit

struct DuCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "du",
    abstract: "Show how much data is tracked and what the cache spends on it after dedup and compression.")

  @OptionGroup var history: RevisionOptions
  @Flag(help: "Print the numbers as JSON.") var json = false
  @Argument(help: "Tracked paths (default: all).") var paths: [String] = []

  func run() throws {
    var scope = history.scope
    scope.paths = paths
    let usage = try Project.open().diskUsage(scope)
    if json {
      print(try renderJSON(UsageJSON(usage)))
      return
    }
    print("tracked  \(formatBytes(usage.logicalBytes)) in \(counted(usage.files, "file"))")
    print("unique   \(formatBytes(usage.uniqueBytes))  \(saving(usage.dedupSavings, of: usage.logicalBytes, "dedup"))")
    print(
      "stored   \(formatBytes(usage.storedBytes))  "
        + saving(usage.compressionSavings, of: usage.uniqueBytes, "compression"))
    print("cache    \(formatBytes(usage.cacheBytes)) in \(counted(usage.cacheObjects, "object")) (everything cached)")
    if usage.missing > 0 { print("missing  \(counted(usage.missing, "object")) not in the cache (not counted)") }
  }

  private func saving(_ bytes: Int64, of total: Int64, _ what: String) -> String {
    let percent = total > 0 ? " (\((Double(abs(bytes)) * 100 / Double(total)).formatted(decimals: 1)) %)" : ""
    return bytes >= 0
      ? "\(what) saves \(formatBytes(bytes))\(percent)" : "\(what) costs \(formatBytes(-bytes))\(percent)"
  }
}

private struct UsageJSON: Encodable {
  let files: Int
  let logicalBytes: Int64
  let uniqueBytes: Int64
  let storedBytes: Int64
  let dedupSavings: Int64
  let compressionSavings: Int64
  let missing: Int
  let cacheObjects: Int
  let cacheBytes: Int64

  init(_ usage: DiskUsage) {
    files = usage.files
    logicalBytes = usage.logicalBytes
    uniqueBytes = usage.uniqueBytes
    storedBytes = usage.storedBytes
    dedupSavings = usage.dedupSavings
    compressionSavings = usage.compressionSavings
    missing = usage.missing
    cacheObjects = usage.cacheObjects
    cacheBytes = usage.cacheBytes
  }
}
