import Basics
import Foundation

/// Runs stage commands with `/bin/sh -c`: the only place lode starts
/// processes. Output is streamed as it comes, prefixed with `[stage] ` when
/// several stages run at once.
public struct CommandRunner: Sendable {
  public let root: String

  public init(root: String) { self.root = root }

  /// Runs each of `stage`'s commands in its working directory, stopping at
  /// the first failure; throws `commandFailed` or `cannotStart`.
  public func run(_ stage: Stage, prefixOutput: Bool) throws {
    let directory = stage.workingDirectory.isEmpty ? root : root + "/" + stage.workingDirectory
    for command in stage.commands {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", command]
      process.currentDirectoryURL = URL(fileURLWithPath: directory)
      var forwarders: [Thread] = []
      let finished = Locked(0)
      if prefixOutput {
        for (pipe, fd) in [(Pipe(), Int32(1)), (Pipe(), Int32(2))] {
          if fd == 1 { process.standardOutput = pipe } else { process.standardError = pipe }
          let handle = pipe.fileHandleForReading
          let thread = Thread {
            forwardLines(from: handle, to: fd, prefix: "[\(stage.name)] ")
            finished.withLock { $0 += 1 }
          }
          forwarders.append(thread)
        }
      }
      do { try process.run() } catch { throw PipelineError.cannotStart(stage: stage.name, detail: "\(error)") }
      forwarders.forEach { $0.start() }
      process.waitUntilExit()
      while finished.withLock({ $0 }) < forwarders.count { usleep(1000) }
      if process.terminationReason != .exit || process.terminationStatus != 0 {
        throw PipelineError.commandFailed(stage: stage.name, status: process.terminationStatus)
      }
    }
  }
}

/// Copies `handle` to file descriptor `fd` line by line, each line prefixed.
private func forwardLines(from handle: FileHandle, to fd: Int32, prefix: String) {
  var pending = [UInt8]()
  func emit(_ line: ArraySlice<UInt8>) {
    var bytes = Array(prefix.utf8) + line
    if bytes.last != 10 { bytes.append(10) }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
  }
  while true {
    let chunk = handle.availableData
    if chunk.isEmpty { break }
    pending += chunk
    while let newline = pending.firstIndex(of: 10) {
      emit(pending[...newline])
      pending.removeSubrange(...newline)
    }
  }
  if !pending.isEmpty { emit(pending[...]) }
}
