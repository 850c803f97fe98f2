import Basics
import ObjectStore
import Remotes

/// Which of a set of objects a remote has, and in which encoding. Few ids
/// are checked one by one; many are answered by listing only the fan-out
/// folders they fall in (one listing instead of thousands of lookups).
struct RemoteIndex {
  static let listingThreshold = 64

  private(set) var codecs: [ObjectID: Codec] = [:]

  init(remote: Remote, ids: [ObjectID], workers: Int) throws {
    if ids.count >= Self.listingThreshold {
      let folders = Array(Set(ids.map(ObjectName.folder(of:))))
      let found = Locked([ObjectID: Codec]())
      try parallelForEach(folders.count, workers: workers) { index in
        let names = try remote.list(prefix: folders[index])
        let parsed = names.compactMap(ObjectName.parse)
        // A byte stream is preferred to a chunk list of the same content.
        found.withLock { for (id, codec) in parsed where $0[id] == nil || $0[id] == .chunked { $0[id] = codec } }
      }
      let wanted = Set(ids)
      codecs = found.withLock { $0.filter { wanted.contains($0.key) } }
    } else {
      let found = Locked([ObjectID: Codec]())
      try parallelForEach(ids.count, workers: workers) { index in
        for codec in Codec.allCases where try remote.exists(ObjectName.of(ids[index], codec: codec)) {
          found.withLock { $0[ids[index]] = codec }
          return
        }
      }
      codecs = found.withLock { $0 }
    }
  }

  func contains(_ id: ObjectID) -> Bool { codecs[id] != nil }

  /// Forgets the objects stored in the encodings `shouldRemove` picks.
  mutating func removeAll(where shouldRemove: (Codec) -> Bool) {
    codecs = codecs.filter { !shouldRemove($0.value) }
  }
}
