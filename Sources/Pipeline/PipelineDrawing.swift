/// Renders a stage graph as text, Graphviz dot or Mermaid.
public struct PipelineDrawing: Sendable {
  let graph: StageGraph

  public init(_ graph: StageGraph) { self.graph = graph }

  /// Every edge, in stage order.
  var edges: [(String, String)] {
    graph.order.flatMap { from in
      graph.downstream[from, default: []].sorted { order($0) < order($1) }.map { (from, $0) }
    }
  }

  private func order(_ name: String) -> Int { graph.order.firstIndex(of: name) ?? 0 }

  /// Stages by depth (the longest path from a stage without upstream), each
  /// line listing a layer; then each stage's downstream stages.
  public func text() -> String {
    var depth: [String: Int] = [:]
    for name in graph.order { depth[name] = (graph.upstream[name]!.map { depth[$0]! + 1 }.max()) ?? 0 }
    let layers = (depth.values.max() ?? -1) + 1
    var out = ""
    for layer in 0..<layers {
      let names = graph.order.filter { depth[$0] == layer }
      out += names.map { "[\($0)]" }.joined(separator: "  ") + "\n"
      let arrows = names.flatMap { name in
        graph.downstream[name, default: []].sorted { order($0) < order($1) }.map { "\(name) -> \($0)" }
      }
      if !arrows.isEmpty { out += "   |  " + arrows.joined(separator: ", ") + "\n   v\n" }
    }
    return out
  }

  public func dot() -> String {
    var out = "strict digraph {\n"
    for name in graph.order { out += "  \"\(name)\";\n" }
    for (from, to) in edges { out += "  \"\(from)\" -> \"\(to)\";\n" }
    return out + "}\n"
  }

  public func mermaid() -> String {
    var out = "flowchart TD\n"
    for (index, name) in graph.order.enumerated() { out += "  node\(index)[\"\(name)\"]\n" }
    for (from, to) in edges { out += "  node\(order(from)) --> node\(order(to))\n" }
    return out
  }
}
