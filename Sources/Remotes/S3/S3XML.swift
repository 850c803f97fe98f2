/// Reads the few values lode needs from S3's XML answers (keys of a
/// listing, the continuation token, an upload id, an error's code and
/// message). S3's responses are flat and machine-written, so finding
/// `<Tag>…</Tag>` pairs is enough, and it avoids linking an XML library
/// (FoundationXML pulls in libxml2 at every start).
enum S3XML {
  /// The unescaped text of every `<tag>…</tag>` element, in order.
  static func values(_ tag: String, in body: [UInt8]) -> [String] {
    let text = String(decoding: body, as: UTF8.self)
    let open = "<\(tag)>"
    let close = "</\(tag)>"
    var values: [String] = []
    var rest = text[...]
    while let start = rest.range(of: open) {
      let after = rest[start.upperBound...]
      guard let end = after.range(of: close) else { break }
      values.append(unescape(after[..<end.lowerBound]))
      rest = after[end.upperBound...]
    }
    return values
  }

  /// The first `<tag>` value, if any.
  static func value(_ tag: String, in body: [UInt8]) -> String? {
    values(tag, in: body).first
  }

  /// Text with XML's five named entities and numeric references resolved.
  static func unescape(_ text: Substring) -> String {
    guard text.contains("&") else { return String(text) }
    var out = ""
    var rest = text
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      guard let semi = rest[amp...].firstIndex(of: ";") else { break }
      let entity = rest[rest.index(after: amp)..<semi]
      switch entity {
      case "amp": out += "&"
      case "lt": out += "<"
      case "gt": out += ">"
      case "quot": out += "\""
      case "apos": out += "'"
      default:
        let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : UInt32(entity.dropFirst())
        if entity.hasPrefix("#"), let number, let scalar = Unicode.Scalar(number) {
          out.unicodeScalars.append(scalar)
        } else {
          out += rest[amp...semi]
        }
      }
      rest = rest[rest.index(after: semi)...]
    }
    return out + rest
  }

  /// `text` with `&`, `<` and `>` escaped, for the bodies lode sends.
  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }
}

extension StringProtocol {
  /// The range of the first occurrence of `needle` (Foundation's `range(of:)` without Foundation).
  func range(of needle: String) -> Range<Index>? {
    guard let first = needle.first else { return nil }
    var index = startIndex
    while let found = self[index...].firstIndex(of: first) {
      if self[found...].starts(with: needle) {
        return found..<(self.index(found, offsetBy: needle.count))
      }
      index = self.index(after: found)
    }
    return nil
  }
}
