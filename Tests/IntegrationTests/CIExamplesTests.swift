import Foundation
import SwitchyardTesting
import Testing

/// examples/ci/switchyard-plan.sh, as the GitHub and GitLab examples call it, against a stand-in of
/// each service's comment API: the plan is made offline from an exported state and posted as one
/// comment, which later pushes update (found past a page of other comments) instead of repeating.
@Suite("CI examples")
struct CIExamplesTests {
    static let script = repositoryRoot.appendingPathComponent("examples/ci/switchyard-plan.sh").path

    /// Runs the script in `directory` with `environment`.
    static func plan(in directory: URL, _ environment: [String: String]) throws -> (status: Int32, output: String) {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        return try run("sh", ["-c", "cd '\(directory.path)' && exec env \(assignments) '\(script)'"], timeout: 60)
    }

    @Test func onePlanCommentPerRequestOnGitHubAndGitLab() throws {
        let directory = try temporaryDirectory("ci-examples")
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifests = directory.appendingPathComponent("manifests")
        let proposed = directory.appendingPathComponent("proposed")
        for path in [manifests, proposed] { try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true) }
        try WhatIfPlanTests.manifests.write(to: manifests.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        func propose(ttl: String) throws {
            try WhatIfPlanTests.manifests.replacingOccurrences(of: "ttl: 60", with: "ttl: \(ttl)")
                .write(to: proposed.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        }
        let controller = try ControllerProcess(manifests: manifests)
        let state = directory.appendingPathComponent("state.json")
        #expect(try ReconcileEndToEndTests.cli(["state", "export", "--output", state.path], controller: controller).status == 0)
        controller.stop()

        let common = ["MANIFESTS": proposed.path, "SWITCHYARD": repositoryRoot.appendingPathComponent(".build/debug/switchyard").path,
                      "SWITCHYARD_STATE": state.path]
        let github = try CommentsAPI(token: "gh-token", seed: 3)
        defer { github.stop() }
        let onGitHub = common.merging(["PLAN_COMMENT": "github", "GITHUB_API_URL": github.url, "GITHUB_REPOSITORY": "team/dns",
                                       "PR_NUMBER": "7", "GITHUB_TOKEN": "gh-token"]) { $1 }
        try propose(ttl: "120")
        let first = try Self.plan(in: directory, onGitHub)
        #expect(first.status == 0 && first.output.contains("plan comment posted"), "\(first.output)")
        try propose(ttl: "300")
        let second = try Self.plan(in: directory, onGitHub)
        #expect(second.status == 0 && second.output.contains("plan comment updated"), "\(second.output)")
        var comments = try github.comments()
        #expect(comments.count == 4, "one plan comment besides the three others: \(comments)")
        #expect(comments.last?.hasPrefix("<!-- switchyard-plan -->\n**Switchyard plan**") == true, "\(comments)")
        #expect(comments.last?.contains("ttl: 60 → 300") == true && comments.last?.contains("60 → 120") == false, "\(comments)")

        // Manifests that do not validate say so in the same comment, and fail the job.
        try "kind: Zone\n".write(to: proposed.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let broken = try Self.plan(in: directory, onGitHub)
        comments = try github.comments()
        #expect(broken.status == 1 && comments.count == 4 && comments.last?.contains("the manifests do not validate") == true, "\(comments)")
        try FileManager.default.removeItem(at: proposed.appendingPathComponent("broken.yaml"))

        let gitlab = try CommentsAPI(token: "gl-token", seed: 3)
        defer { gitlab.stop() }
        let onGitLab = common.merging(["PLAN_COMMENT": "gitlab", "CI_API_V4_URL": gitlab.url, "CI_PROJECT_ID": "5",
                                       "CI_MERGE_REQUEST_IID": "9", "GITLAB_TOKEN": "gl-token"]) { $1 }
        #expect(try Self.plan(in: directory, onGitLab).status == 0)
        #expect(try Self.plan(in: directory, onGitLab).output.contains("plan comment updated"))
        #expect(try gitlab.comments().filter { $0.contains("switchyard-plan") }.count == 1)

        // A token the service refuses fails the job, saying so.
        let refused = try Self.plan(in: directory, onGitLab.merging(["GITLAB_TOKEN": "wrong"]) { $1 })
        #expect(refused.status != 0 && refused.output.contains("could not post the plan"), "\(refused.output)")
    }
}
