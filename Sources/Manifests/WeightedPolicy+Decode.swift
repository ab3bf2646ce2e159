import Model

extension DocumentDecoder {
    mutating func decodeWeightedPolicy(_ document: ManifestDocument, definitions: Definitions,
                                       claims: inout [OwnerClaim]) -> WeightedPolicy? {
        guard let spec = fields(document.spec, "spec", allowed: Self.policyFields + ["answers", "endpoints"]) else { return nil }
        let common = decodePolicyCommon(spec, document, definitions: definitions, claims: &claims)
        let answers = spec["answers"].map { integer($0, spec.path("answers"), "answers", 1...64) } ?? 1
        guard let endpointsNode = required(spec, "endpoints", "a list of weighted endpoints"), let common,
              let endpoints = decodeEndpoints(endpointsNode, spec.path("endpoints"), common: common, definitions: definitions,
                                              allowsWeight: true),
              let answers else { return nil }
        if !endpoints.contains(where: { $0.weight > 0 }) {
            error(endpointsNode, spec.path("endpoints"), "every weight is 0",
                  allowed: "at least one endpoint needs a weight above 0; 0 drains an endpoint")
        }
        if answers > endpoints.count {
            error(spec["answers"]!, spec.path("answers"), "answers \(answers) exceeds the \(endpoints.count) endpoints",
                  allowed: "expected 1 to \(endpoints.count)")
        } else if answers > 1 && (common.type == .cname || common.type == .alias) {
            error(spec["answers"]!, spec.path("answers"), "answers \(answers) for type \(common.type.rawValue)",
                  allowed: "a \(common.type.rawValue) answers with one target: answers is 1")
        }
        guard !diagnostics.hasErrors, let target = common.target else { return nil }
        return WeightedPolicy(name: document.name, target: target, answers: answers, endpoints: endpoints,
                              whenAllDown: common.whenAllDown, notify: common.notify)
    }
}
