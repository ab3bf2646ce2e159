/// The closest of `candidates` to `word` when it is close enough to be a likely typo, for
/// "did you mean …?" hints: a case-only difference, or at most 2 edits (1 for words of 4 or fewer).
func closestMatch(to word: String, in candidates: [String]) -> String? {
    if let sameLetters = candidates.first(where: { $0.lowercased() == word.lowercased() }) { return sameLetters }
    let limit = word.count <= 4 ? 1 : 2
    var best: (candidate: String, distance: Int)? = nil
    for candidate in candidates {
        let distance = editDistance(Array(word.lowercased().utf8), Array(candidate.lowercased().utf8))
        if distance <= limit && distance < (best?.distance ?? .max) {
            best = (candidate, distance)
        }
    }
    return best?.candidate
}

/// Levenshtein distance with adjacent transpositions (optimal string alignment).
func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var before = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], before[j - 2] + 1)
            }
        }
        (before, previous, current) = (previous, current, before)
    }
    return previous[b.count]
}

/// `"a", "b" and "c"` for messages; "none" when empty.
func quotedList(_ items: [String]) -> String {
    let quoted = items.map { "\"\($0)\"" }
    switch quoted.count {
    case 0: return "none"
    case 1: return quoted[0]
    default: return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}
