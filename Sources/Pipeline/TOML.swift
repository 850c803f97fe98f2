import Formats

/// A reader for TOML params files: tables, arrays of tables, dotted and
/// quoted keys, strings (basic, literal, multi-line), integers, floats,
/// booleans, arrays and inline tables. Dates and times are kept as strings.
/// Anything else is an error naming the file and line.
struct TOMLReader {
  let file: String
  private var chars: [Character] = []
  private var index = 0
  private var line = 1

  init(file: String) { self.file = file }

  /// Parses `text` into a `.map` value.
  mutating func parse(_ text: String) throws -> Value {
    // Line ends are normalised first: "\r\n" is one Character in Swift.
    chars = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
    index = 0
    line = 1
    let root = Table()
    var current = root
    while true {
      skipBlankAndComments()
      guard let char = peek() else { break }
      if char == "[" {
        advance()
        let isArray = peek() == "["
        if isArray { advance() }
        skipSpaces()
        let path = try keyPath()
        try expect("]")
        if isArray { try expect("]") }
        current = try root.open(path, arrayOfTables: isArray, reader: self)
      } else {
        let path = try keyPath()
        try expect("=")
        skipSpaces()
        let value = try parseValue()
        try current.set(path, .value(value), reader: self)
      }
      try endOfLine()
    }
    return root.value
  }

  func error(_ detail: String) -> FormatError { .malformed(file: file, line: line, detail: detail) }

  // MARK: Values

  private mutating func parseValue() throws -> Value {
    guard let char = peek() else { throw error("expected a value") }
    switch char {
    case "\"", "'": return .string(try string())
    case "[":
      advance()
      var items: [Value] = []
      while true {
        skipBlankAndComments()
        if peek() == "]" {
          advance()
          return .list(items)
        }
        items.append(try parseValue())
        skipBlankAndComments()
        if peek() == "," { advance() } else if peek() != "]" { throw error("expected ',' or ']' in an array") }
      }
    case "{":
      advance()
      let table = Table()
      skipSpaces()
      if peek() == "}" {
        advance()
        return table.value
      }
      while true {
        skipSpaces()
        let path = try keyPath()
        try expect("=")
        skipSpaces()
        try table.set(path, .value(try parseValue()), reader: self)
        skipSpaces()
        if peek() == "," {
          advance()
        } else if peek() == "}" {
          advance()
          return table.value
        } else {
          throw error("expected ',' or '}' in an inline table")
        }
      }
    default:
      var word = ""
      let stops: Set<Character> = [" ", "\t", "\r", "\n", ",", "]", "}", "#"]
      while let next = peek(), !stops.contains(next) {
        word.append(next)
        advance()
      }
      return try scalar(word)
    }
  }

  private func scalar(_ word: String) throws -> Value {
    switch word {
    case "true": return .bool(true)
    case "false": return .bool(false)
    case "inf", "+inf": return .double(.infinity)
    case "-inf": return .double(-.infinity)
    case "nan", "+nan", "-nan": return .double(.nan)
    default: break
    }
    let plain = word.replacingOccurrences(of: "_", with: "")
    if let int = Int64(plain) { return .int(int) }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where plain.hasPrefix(prefix) {
      if let int = Int64(plain.dropFirst(2), radix: radix) { return .int(int) }
    }
    if let double = Double(plain), plain.first != "." { return .double(double) }
    if let first = word.first, first.isNumber, word.contains("-") || word.contains(":") { return .string(word) }
    throw error("'\(word)' is not a TOML value")
  }

  private mutating func string() throws -> String {
    let quote = peek()!
    let multiline = lookingAt(String(repeating: quote, count: 3))
    advance(multiline ? 3 : 1)
    if multiline && peek() == "\n" {
      advance()
      line += 1
    }
    var out = ""
    while true {
      guard let char = peek() else { throw error("unterminated string") }
      if multiline ? lookingAt(String(repeating: quote, count: 3)) : char == quote {
        advance(multiline ? 3 : 1)
        return out
      }
      if char == "\n" {
        if !multiline { throw error("newline in a single-line string") }
        line += 1
      }
      advance()
      if char == "\\" && quote == "\"" {
        guard let escaped = peek() else { throw error("unterminated string") }
        advance()
        switch escaped {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "\"": out.append("\"")
        case "\\": out.append("\\")
        case "u", "U":
          let count = escaped == "u" ? 4 : 8
          let hex = String(chars[index..<min(index + count, chars.count)])
          guard let code = UInt32(hex, radix: 16), let unicode = Unicode.Scalar(code) else {
            throw error("bad unicode escape")
          }
          advance(count)
          out.unicodeScalars.append(unicode)
        case "\n" where multiline:
          line += 1
          while let next = peek(), next == " " || next == "\t" || next == "\n" {
            if next == "\n" { line += 1 }
            advance()
          }
        default: throw error("unknown escape '\\\(escaped)'")
        }
      } else {
        out.append(char)
      }
    }
  }

  // MARK: Keys and layout

  private mutating func keyPath() throws -> [String] {
    var parts: [String] = []
    while true {
      skipSpaces()
      if peek() == "\"" || peek() == "'" {
        parts.append(try string())
      } else {
        var bare = ""
        while let char = peek(), char.isLetter || char.isNumber || char == "_" || char == "-" {
          bare.append(char)
          advance()
        }
        if bare.isEmpty { throw error("expected a key") }
        parts.append(bare)
      }
      skipSpaces()
      if peek() == "." { advance() } else { return parts }
    }
  }

  private mutating func expect(_ char: Character) throws {
    skipSpaces()
    guard peek() == char else { throw error("expected '\(char)'") }
    advance()
  }

  private mutating func endOfLine() throws {
    skipSpaces()
    if peek() == "#" { while let char = peek(), char != "\n" { advance() } }
    guard let char = peek() else { return }
    guard char == "\n" || char == "\r" else { throw error("unexpected '\(char)' after a value") }
  }

  private mutating func skipSpaces() {
    while let char = peek(), char == " " || char == "\t" { advance() }
  }

  private mutating func skipBlankAndComments() {
    while let char = peek() {
      if char == "#" {
        while let next = peek(), next != "\n" { advance() }
      } else if char == "\n" {
        line += 1
        advance()
      } else if char == " " || char == "\t" || char == "\r" {
        advance()
      } else {
        return
      }
    }
  }

  private func peek() -> Character? { index < chars.count ? chars[index] : nil }
  private mutating func advance(_ count: Int = 1) { index += count }
  private func lookingAt(_ text: String) -> Bool {
    let needle = Array(text)
    return index + needle.count <= chars.count && Array(chars[index..<index + needle.count]) == needle
  }
}

/// A TOML table under construction, keeping keys in file order.
private final class Table {
  enum Entry {
    case value(Value)
    case table(Table)
    case tables([Table])
  }
  var entries: [(String, Entry)] = []

  var value: Value {
    .map(
      entries.map { key, entry in
        switch entry {
        case .value(let value): return (key, value)
        case .table(let table): return (key, table.value)
        case .tables(let tables): return (key, .list(tables.map(\.value)))
        }
      })
  }

  func child(_ key: String, reader: TOMLReader) throws -> Table {
    if let existing = entries.first(where: { $0.0 == key }) {
      switch existing.1 {
      case .table(let table): return table
      case .tables(let tables): return tables.last!
      case .value: throw reader.error("'\(key)' is already a value")
      }
    }
    let table = Table()
    entries.append((key, .table(table)))
    return table
  }

  func set(_ path: [String], _ entry: Entry, reader: TOMLReader) throws {
    var table = self
    for key in path.dropLast() { table = try table.child(key, reader: reader) }
    if table.entries.contains(where: { $0.0 == path.last! }) { throw reader.error("'\(path.last!)' is defined twice") }
    table.entries.append((path.last!, entry))
  }

  func open(_ path: [String], arrayOfTables: Bool, reader: TOMLReader) throws -> Table {
    var table = self
    for key in path.dropLast() { table = try table.child(key, reader: reader) }
    let last = path.last!
    if !arrayOfTables { return try table.child(last, reader: reader) }
    let fresh = Table()
    if let position = table.entries.firstIndex(where: { $0.0 == last }) {
      guard case .tables(let tables) = table.entries[position].1 else {
        throw reader.error("'\(last)' is not an array of tables")
      }
      table.entries[position].1 = .tables(tables + [fresh])
    } else {
      table.entries.append((last, .tables([fresh])))
    }
    return fresh
  }
}
