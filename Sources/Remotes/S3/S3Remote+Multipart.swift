import Basics

extension S3Remote {
  /// Uploads a large file in parts (several at once), then completes the
  /// upload, which publishes the object atomically. On any failure the
  /// upload is aborted so its parts stop costing storage.
  func putMultipart(key: String, name: String, path: String, size: Int64) throws {
    var chosen = client.tuning.partSize
    while (size + chosen - 1) / chosen > 10_000 { chosen *= 2 }  // S3 allows 10,000 parts
    let partSize = chosen
    let created = try client.send("CreateMultipartUpload \(name)") {
      S3Request(method: "POST", key: key, query: [("uploads", "")])
    }
    guard created.status == 200, let uploadID = S3XML.value("UploadId", in: created.body) else {
      throw client.failure(created, operation: "CreateMultipartUpload \(name)")
    }
    do {
      let parts = Int((size + partSize - 1) / partSize)
      let etags = Locked([String](repeating: "", count: parts))
      try parallelForEach(parts, workers: client.tuning.partWorkers) { index in
        let offset = Int64(index) * partSize
        let length = min(partSize, size - offset)
        let hash = try Self.sha256(of: path, offset: offset, length: length)
        let operation = "UploadPart \(index + 1) of \(name)"
        let response = try client.send(operation) {
          S3Request(
            method: "PUT", key: key, query: [("partNumber", "\(index + 1)"), ("uploadId", uploadID)],
            body: .file(path: path, offset: offset, length: length), payloadHash: hash)
        }
        guard response.status == 200, let etag = response.headers["etag"] else {
          throw client.failure(response, operation: operation)
        }
        etags.withLock { $0[index] = etag }
      }
      try complete(key: key, name: name, uploadID: uploadID, etags: etags.withLock { $0 }, size: size)
    } catch {
      _ = try? client.send("AbortMultipartUpload \(name)", attempts: 2) {
        S3Request(method: "DELETE", key: key, query: [("uploadId", uploadID)])
      }
      throw error
    }
  }

  /// CompleteMultipartUpload, which S3 may answer with 200 and an error in
  /// the body (retried). If an earlier attempt completed the upload but its
  /// answer was lost, the retry finds no upload: the object is then checked
  /// to be there with the right size.
  private func complete(key: String, name: String, uploadID: String, etags: [String], size: Int64) throws {
    var xml = "<CompleteMultipartUpload>"
    for (index, etag) in etags.enumerated() {
      xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
    }
    xml += "</CompleteMultipartUpload>"
    let body = Array(xml.utf8)
    let hash = SHA256.hex(of: body)
    let operation = "CompleteMultipartUpload \(name)"
    for attempt in 1...client.tuning.maxAttempts {
      let response = try client.send(operation) {
        S3Request(
          method: "POST", key: key, query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")],
          body: .bytes(body), payloadHash: hash)
      }
      if response.status == 200 && S3XML.value("Code", in: response.body) == nil { return }
      if response.status == 404 && S3XML.value("Code", in: response.body) == "NoSuchUpload",
        try self.size(ofKey: key, operation: "HeadObject \(name)") == size
      {
        return
      }
      if response.status != 200 || attempt == client.tuning.maxAttempts {
        throw client.failure(response, operation: operation)
      }
      usleep(UInt32(client.tuning.firstRetryDelay * Double(attempt) * 1_000_000))
    }
  }
}
