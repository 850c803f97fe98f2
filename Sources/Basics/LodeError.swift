/// An error lode can explain to a person: one line saying what went wrong
/// (naming the file, id or stage it is about) and, where there is one, a hint
/// saying what to do. The CLI prints `error: <message>` and `hint: <hint>`.
public protocol LodeError: Error, CustomStringConvertible {
  /// What went wrong, in one line, naming the thing it is about.
  var message: String { get }
  /// What the user can do about it, if anything.
  var hint: String? { get }
}

extension LodeError {
  public var hint: String? { nil }
  public var description: String { message }
}
