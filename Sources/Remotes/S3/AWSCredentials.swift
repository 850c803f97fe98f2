import Basics

/// An access key pair (and session token for temporary credentials). Its
/// description never shows the secret or the token, so printing one by
/// mistake leaks nothing.
struct AWSCredentials: Sendable, CustomStringConvertible {
  let accessKeyID: String
  let secretAccessKey: String
  let sessionToken: String?

  var description: String { "AWSCredentials(redacted)" }

  /// Every secret string, to scrub from any text shown to a person.
  var secrets: [String] { [accessKeyID, secretAccessKey] + (sessionToken.map { [$0] } ?? []) }
}

/// Finds credentials and the region the way the AWS CLI does, so a machine
/// set up for `aws s3` works unchanged. Reads only the environment and the
/// two shared files; no network (no instance metadata).
struct AWSEnvironment: Sendable {
  let variables: [String: String]

  init(variables: [String: String] = AWSEnvironment.processVariables()) {
    self.variables = variables
  }

  /// The profile to read: the remote's `profile` setting, else
  /// `AWS_PROFILE`, else `default`.
  func profileName(setting: String?) -> String {
    setting ?? nonEmpty("AWS_PROFILE") ?? "default"
  }

  /// The credentials for a remote. An explicit `profile` setting wins (like
  /// `aws --profile`); otherwise the `AWS_ACCESS_KEY_ID` /
  /// `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` variables; otherwise the
  /// profile in the credentials file, then in the config file.
  func credentials(profileSetting: String?) throws -> AWSCredentials? {
    if profileSetting == nil, let id = nonEmpty("AWS_ACCESS_KEY_ID"), let secret = nonEmpty("AWS_SECRET_ACCESS_KEY") {
      return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: nonEmpty("AWS_SESSION_TOKEN"))
    }
    let profile = profileName(setting: profileSetting)
    for (file, section) in [(credentialsFile, profile), (configFile, configSection(profile))] {
      let values = try SharedConfigFile.section(section, of: file)
      if let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] {
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
      }
    }
    return nil
  }

  /// The region: the remote's setting, `AWS_REGION`, `AWS_DEFAULT_REGION`,
  /// the profile's `region` in the config file, else `us-east-1`.
  func region(setting: String?, profileSetting: String?) throws -> String {
    if let setting { return setting }
    if let region = nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") { return region }
    let section = configSection(profileName(setting: profileSetting))
    return try SharedConfigFile.section(section, of: configFile)["region"] ?? "us-east-1"
  }

  var credentialsFile: String {
    nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? (nonEmpty("HOME") ?? "") + "/.aws/credentials"
  }

  var configFile: String { nonEmpty("AWS_CONFIG_FILE") ?? (nonEmpty("HOME") ?? "") + "/.aws/config" }

  /// Sections of `~/.aws/config` other than `default` are `[profile NAME]`.
  private func configSection(_ profile: String) -> String {
    profile == "default" ? "default" : "profile \(profile)"
  }

  private func nonEmpty(_ name: String) -> String? {
    guard let value = variables[name], !value.isEmpty else { return nil }
    return value
  }

  static func processVariables() -> [String: String] {
    var result: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
      let text = String(cString: pointer)
      if let equals = text.firstIndex(of: "="), text.hasPrefix("AWS_") || text.hasPrefix("HOME=") {
        result[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      entry += 1
    }
    return result
  }
}

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`.
enum SharedConfigFile {
  /// The `key = value` pairs of section `[name]` (keys lowercased); empty if the file or section is absent.
  static func section(_ name: String, of path: String) throws -> [String: String] {
    guard let bytes = try? FileIO.readFile(path) else { return [:] }
    var current: String?
    var values: [String: String] = [:]
    for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
      let line = rawLine.trimmed
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
      if line.hasPrefix("[") && line.hasSuffix("]") {
        current = Substring(line.dropFirst().dropLast()).trimmed
        continue
      }
      guard current == name, let equals = line.firstIndex(of: "=") else { continue }
      let key = Substring(line[..<equals]).trimmed.lowercased()
      if values[key] == nil { values[key] = Substring(line[line.index(after: equals)...]).trimmed }
    }
    return values
  }
}

extension Substring {
  /// Without leading and trailing spaces and tabs.
  var trimmed: String {
    var slice = self
    while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
    while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
    return String(slice)
  }
}
