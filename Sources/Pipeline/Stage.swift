import Basics

/// One out (or metric, or plot) of a stage.
public struct StageOutput: Sendable, Equatable {
  public enum Role: String, Sendable { case out, metric, plot }
  /// Repository-relative path.
  public let path: String
  public let role: Role
  /// Whether the content goes to the cache (and is git-ignored); `cache: false` keeps it in git.
  public let cache: Bool
  /// Whether it survives the start of a run (not deleted first).
  public let persist: Bool
}

/// A param a stage depends on: `key` in params file `file`
/// (repository-relative); an empty key means every top-level key.
public struct ParamReference: Sendable, Hashable {
  public let file: String
  public let key: String
}

/// A stage of lode.yaml, after `vars` and `foreach` were expanded.
public struct Stage: Sendable, Equatable {
  public let name: String
  /// The commands, run one after the other with `/bin/sh -c`.
  public let commands: [String]
  /// The working directory, repository-relative (`` for the root).
  public let workingDirectory: String
  /// Repository-relative dependency paths.
  public let deps: [String]
  public let params: [ParamReference]
  public let outputs: [StageOutput]
  public let frozen: Bool
  public let alwaysChanged: Bool
  public let description: String?
  /// The line of lode.yaml where the stage starts.
  public let line: Int?

  /// The command as one string (commands joined with newlines): what the lock records.
  public var command: String { commands.joined(separator: "\n") }
}
