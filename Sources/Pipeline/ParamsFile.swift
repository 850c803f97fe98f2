import Basics
import Formats

/// Reads params files (and vars files): YAML (`.yaml`, `.yml`), JSON
/// (`.json`, read as the YAML it is) and TOML (`.toml`).
public enum ParamsFile {
  /// The content of the file at `path` (named `display` in errors), or nil when it does not exist.
  public static func load(_ path: String, display: String) throws -> Value? {
    guard let bytes = try FileIO.readFileIfPresent(path) else { return nil }
    return try parse(String(decoding: bytes, as: UTF8.self), name: display)
  }

  /// Parses params text; the format comes from the file name's extension.
  public static func parse(_ text: String, name: String) throws -> Value {
    let lower = name.lowercased()
    if lower.hasSuffix(".toml") {
      var reader = TOMLReader(file: name)
      return try reader.parse(text)
    }
    guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") else {
      throw PipelineError.unsupportedParamsFile(path: name)
    }
    return Value(try YAMLReader(file: name).parse(text))
  }
}
