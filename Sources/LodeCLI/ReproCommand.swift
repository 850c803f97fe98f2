import ArgumentParser
import Basics
import LodeKit
import Pipeline

struct ReproCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repro", abstract: "Run the pipeline stages whose command, deps, params or outs changed.")

  @Argument(help: "Stages to reproduce, with what they depend on (default: all).") var stages: [String] = []
  @Flag(help: "Print the decisions; run nothing.") var dryRun = false
  @Flag(name: .shortAndLong, help: "Run the stages even if nothing changed.") var force = false
  @Flag(name: .shortAndLong, help: "Only the named stages, not what they depend on.") var singleStage = false
  @Flag(help: "Also the stages downstream of the named ones.") var downstream = false
  @Option(name: [.customShort("j"), .customLong("jobs")], help: "Independent stages to run at the same time.")
  var jobs = 1

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
  }

  func run() throws {
    var options = ReproOptions()
    options.targets = stages
    options.dryRun = dryRun
    options.force = force
    options.singleStage = singleStage
    options.downstream = downstream
    options.jobs = jobs
    try Project.open().repro(options) { name, decision in
      print("\(name): \(decision.text)")
      fflush(nil)
    }
  }
}

struct DagCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dag", abstract: "Draw the pipeline's stages and their edges.")

  @Flag(help: "Graphviz dot.") var dot = false
  @Flag(help: "Mermaid flowchart.") var mermaid = false

  func run() throws {
    guard let (_, graph) = try Project.open().loadPipeline() else {
      print("No lode.yaml.")
      return
    }
    let drawing = PipelineDrawing(graph)
    print(dot ? drawing.dot() : mermaid ? drawing.mermaid() : drawing.text(), terminator: "")
  }
}
