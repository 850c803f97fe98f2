import Basics
import Formats

/// Reads params files (and vars files): YAML (`.yaml`, `.yml`), JSON
/// (`.json`, read as the YAML it is) and TOML (`.toml`).
public enum ParamsFile {
  /// The content of the file at `path` (named `display` in errors), or nil when it does not exist.
  public static func load(_ path: String, display: String) throws -> Value? {
    guard let bytes = try FileIO.readFileIfPresent(path) else { return nil }
    return try parse(String(decoding: bytes, as: UTF8.self), name: path, display: display)
  }

  /// Parses params text; the format comes from the extension of `name`,
  /// and errors name `display` (default: `name`).
  public static func parse(_ text: String, name: String, display: String? = nil) throws -> Value {
    let lower = name.lowercased()
    let shown = display ?? name
    if lower.hasSuffix(".toml") {
      var reader = TOMLReader(file: shown)
      return try reader.parse(text)
    }
    guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") else {
      throw PipelineError.unsupportedParamsFile(path: shown)
    }
    return Value(try YAMLReader(file: shown).parse(text))
  }
}
