import JSONLines

extension SynthProgress {
    /// One JSON object, as `ipt synth status --json` prints it.
    public var jsonLine: String {
        let p = self
        var writer = JSONWriter()
        writer.object { o in
            o.member("run") { $0.integer(p.run.id) }
            o.member("backend") { $0.string(p.run.backend.rawValue) }
            o.member("backend_reference") { $0.string(p.run.backendReference) }
            o.member("status") { $0.string(p.run.status) }
            o.member("rounds") { $0.integer(p.run.rounds) }
            o.member("rounds_created") { $0.integer(p.run.roundsCreated) }
            o.member("texts_total") { $0.integer(p.run.textsTotal) }
            o.member("requests_total") { $0.integer(p.requestsTotal) }
            o.member("requests_done") { $0.integer(p.requestsDone) }
            o.member("requests_failed") { $0.integer(p.requestsFailed) }
            o.member("requests_leased") { $0.integer(p.requestsLeased) }
            o.member("requests_pending") { $0.integer(p.requestsPending) }
            o.member("pairs") { $0.integer(p.pairs) }
            o.member("pairs_by_kind") { json in json.object { k in for (kind, count) in p.pairsByKind { k.member(kind) { $0.integer(count) } } } }
            o.member("prompt_tokens") { $0.integer(p.promptTokens) }
            o.member("completion_tokens") { $0.integer(p.completionTokens) }
        }
        return writer.text
    }

    /// Three lines, as `ipt synth status` prints them.
    public var summary: String {
        let p = self
        let kinds = p.pairsByKind.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
        return """
            run \(p.run.id) [\(p.run.status)] \(p.run.backend.rawValue) \(p.run.backendReference)\(p.run.model.map { " model \($0)" } ?? "") \
            rounds \(p.run.roundsCreated)/\(p.run.rounds), seed \(p.run.seed), temperature \(p.run.temperature)\(p.run.answerTemperature.map { " (answers \($0))" } ?? ""), top-p \(p.run.topP), \
            max-model-len \(p.run.maxModelLen), max-new-tokens \(p.run.maxNewTokens)
              texts \(p.run.textsTotal): done \(p.requestsDone), failed \(p.requestsFailed), leased \(p.requestsLeased), \
            pending \(p.requestsPending), not yet planned \(p.textsWaiting)
              pairs \(p.pairs)\(kinds.isEmpty ? "" : " (\(kinds))"); tokens \(p.promptTokens) prompt / \(p.completionTokens) completion
            """
    }
}
