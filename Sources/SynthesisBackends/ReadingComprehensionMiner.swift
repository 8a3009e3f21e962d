import Synthesis
import Randomness
import SynthesizerText

/// The weights-free synthesizer: mines reading-comprehension tasks from the text itself with
/// rules, in the spirit of AdaptLLM (Cheng et al., ICLR 2024) — title and summary, definitions
/// and word-to-text, text completion, sentence-level inference through connectives (cause,
/// consequence, contrast, condition; as open questions and as multiple choice), paraphrase
/// ("If X, Y." ⇄ "Y if X."), true-or-false statements, and a chain-of-thought "where is it
/// mentioned" task. It writes the synthesizer's output format, so its pairs go through the same
/// parser as a model's. Choices are seeded by the run seed and the raw text's id.
///
///     let miner = ReadingComprehensionMiner()
///     let results = try miner.complete([SynthesisPrompt(stream: 1, prompt: SynthesizerFormat.read(text))],
///                                      parameters: SamplingParameters(maxNewTokens: 400, temperature: 0, seed: 0))
public struct ReadingComprehensionMiner: Synthesizer {
    /// Pairs written per text at most (the paper's synthesizer averages about five).
    public var pairsPerText: Int

    public init(pairsPerText: Int = 5) {
        self.pairsPerText = pairsPerText
    }

    public var reference: String { "miner" }

    public func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>] {
        prompts.map { prompt in
            let text = ReadingComprehensionMiner.currentReading(of: prompt.prompt)
            var generator = SeededGenerator(seed: UInt64(bitPattern: parameters.seed), stream: UInt64(bitPattern: prompt.stream))
            let pairs = mine(text, maxNewTokens: parameters.maxNewTokens, generator: &generator)
            return .success(Completion(text: SynthesizerFormat.comprehension(pairs), finishReason: "stop"))
        }
    }

    /// The text the prompt asks about: the reading after the last `<s> <CON> ` (earlier entries
    /// prepended to the prompt are demonstrations, not material).
    public static func currentReading(of prompt: String) -> String {
        let opening = SynthesizerFormat.beginOfSequence + " " + SynthesizerFormat.contextOpen + " "
        let closing = " " + SynthesizerFormat.contextClose + SynthesizerFormat.delimiter
        var reading = PythonString.split(prompt, on: opening).last ?? prompt
        if PythonString.hasSuffix(reading, closing) {
            reading = String(decoding: reading.utf8.dropLast(closing.utf8.count), as: UTF8.self)
        }
        return reading
    }

    /// Up to `pairsPerText` tasks, one kind of task at a time in a seeded order, as long as the
    /// output's estimated length stays within `maxNewTokens`.
    public func mine(_ text: String, maxNewTokens: Int, generator: inout SeededGenerator) -> [QAPair] {
        let document = ReadingDocument(text)
        var families = TaskMiner(document: document).candidateFamilies().filter { !$0.isEmpty }
        families.shuffle(using: &generator)
        var pairs: [QAPair] = []
        var seen: Set<String> = []
        var pieces = 0
        while pairs.count < pairsPerText && families.contains(where: { !$0.isEmpty }) {
            for index in families.indices where !families[index].isEmpty && pairs.count < pairsPerText {
                let pick = Int(generator.next() % UInt64(families[index].count))
                let candidate = families[index].remove(at: pick).build(&generator)
                guard TaskMiner.isClean(candidate), seen.insert(candidate.question.lowercased()).inserted else { continue }
                let cost = PythonString.count(SynthesizerFormat.pair(candidate), " ") + 2
                if Double(pieces + cost) * 1.5 > Double(maxNewTokens) { return pairs }
                pieces += cost
                pairs.append(candidate)
            }
        }
        return pairs
    }
}

/// A task not yet written: built on demand so only chosen tasks pay for their formatting.
struct TaskCandidate {
    let build: (inout SeededGenerator) -> QAPair
}

/// Finds candidate tasks in a document, grouped by family so every family gets its turn.
struct TaskMiner {
    let document: ReadingDocument
    /// The document's sentences that read as prose.
    let sentences: [ReadingDocument.Sentence]

    init(document: ReadingDocument) {
        self.document = document
        self.sentences = document.sentences.filter { TaskMiner.isProse($0.text) }
    }

    func candidateFamilies() -> [[TaskCandidate]] {
        [titleTasks(), summaryTasks(), definitionTasks(), keywordTasks(), completionTasks(), nextSentenceTasks(),
         connectiveTasks(), relationChoiceTasks(), conditionTasks(), paraphraseTasks(), truthTasks(), locationTasks()]
    }

    // MARK: - Summarization

    func titleTasks() -> [TaskCandidate] {
        guard let title = document.title, !sentences.isEmpty else { return [] }
        return [TaskCandidate { generator in
            QAPair(question: generator.pick(["What is a suitable title for this text?", "Give the text above a title.",
                                             "Write a title for this text."]), answer: title)
        }]
    }

    func summaryTasks() -> [TaskCandidate] {
        guard let topic = sentences.first(where: { TaskMiner.wordCount($0.text) >= 6 })?.text else { return [] }
        return [TaskCandidate { generator in
            QAPair(question: generator.pick(["What is the text mainly about?", "Summarize the text in one sentence.",
                                             "In one sentence, what does this text describe?"]), answer: topic)
        }]
    }

    // MARK: - Word to text

    func definitionTasks() -> [TaskCandidate] {
        var tasks = document.definitions.map { item in
            TaskCandidate { generator in
                let question = item.term.hasPrefix("-")
                    ? "What does the option \(item.term) do?"
                    : generator.pick(["What does the text say about \(item.term)?", "Explain \(item.term) as the text describes it."])
                return QAPair(question: question, answer: item.description)
            }
        }
        for sentence in sentences {
            let words = sentence.text.split(separator: " ")
            guard words.count >= 6 else { continue }
            for (index, word) in words.prefix(6).enumerated() where index >= 1 && (word == "is" || word == "are" || word == "means") {
                let term = words[..<index].joined(separator: " ")
                guard term.first?.isLetter ?? false, !TaskMiner.pronouns.contains(term.lowercased()) else { break }
                tasks.append(TaskCandidate { generator in
                    QAPair(question: generator.pick(["What is \(term), according to the text?", "How does the text define \(term)?"]),
                           answer: sentence.text)
                })
                break
            }
        }
        return tasks
    }

    func keywordTasks() -> [TaskCandidate] {
        sentences.compactMap { sentence in
            let keywords = Array(Set(sentence.contentWords.filter { (document.wordCounts[$0] ?? 0) >= 2 }))
            guard keywords.count >= 3, TaskMiner.wordCount(sentence.text) <= 40 else { return nil }
            return TaskCandidate { generator in
                var chosen = keywords.sorted()
                chosen.shuffle(using: &generator)
                let words = chosen.prefix(3).sorted().joined(separator: ", ")
                return QAPair(question: generator.pick(["Write a sentence about the text that uses these words: \(words).",
                                                        "Generate a sentence from the text containing the keywords: \(words)."]),
                              answer: sentence.text)
            }
        }
    }

    // MARK: - Completion

    func completionTasks() -> [TaskCandidate] {
        sentences.compactMap { sentence in
            let words = sentence.text.split(separator: " ")
            guard words.count >= 10 else { return nil }
            return TaskCandidate { generator in
                let cut = words.count / 2 + Int(generator.next() % 3) - 1
                let head = words[..<cut].joined(separator: " ")
                let tail = words[cut...].joined(separator: " ")
                return QAPair(question: "Complete the following sentence from the text: \"\(head) ...\"", answer: tail)
            }
        }
    }

    func nextSentenceTasks() -> [TaskCandidate] {
        zip(sentences, sentences.dropFirst()).compactMap { current, next in
            guard current.paragraph == next.paragraph, TaskMiner.wordCount(next.text) >= 5 else { return nil }
            return TaskCandidate { _ in
                QAPair(question: "What does the text say right after \"\(current.text)\"?", answer: next.text)
            }
        }
    }

    // MARK: - Sentence-level inference

    static let consequenceOpeners = ["Therefore, ", "Thus, ", "Hence, ", "As a result, ", "Consequently, ", "So "]
    static let contrastOpeners = ["However, ", "But ", "Nevertheless, ", "In contrast, ", "On the other hand, ", "Still, "]

    enum Relation: String, CaseIterable {
        case consequence = "The second follows from the first."
        case contrast = "The second contrasts with the first."
        case reason = "The second gives the reason for the first."
        case unrelated = "The two are unrelated."
    }

    /// Pairs of statements joined by a connective: (first, second without connective, relation).
    func connectedStatements() -> [(first: String, second: String, relation: Relation)] {
        var result: [(String, String, Relation)] = []
        for (previous, current) in zip(sentences, sentences.dropFirst()) where previous.paragraph == current.paragraph {
            if let rest = TaskMiner.strip(opener: TaskMiner.consequenceOpeners, from: current.text) {
                result.append((previous.text, rest, .consequence))
            } else if let rest = TaskMiner.strip(opener: TaskMiner.contrastOpeners, from: current.text) {
                result.append((previous.text, rest, .contrast))
            }
        }
        for sentence in sentences {
            let parts = PythonString.split(sentence.text, on: " because ")
            guard parts.count == 2, TaskMiner.wordCount(parts[0]) >= 3, TaskMiner.wordCount(parts[1]) >= 3 else { continue }
            result.append((TaskMiner.terminated(parts[0]), TaskMiner.capitalized(parts[1]), .reason))
        }
        return result
    }

    func connectiveTasks() -> [TaskCandidate] {
        connectedStatements().map { first, second, relation in
            TaskCandidate { _ in
                switch relation {
                case .consequence:
                    return QAPair(question: "The text states: \"\(first)\" What does it conclude from this?", answer: second)
                case .contrast:
                    return QAPair(question: "The text states: \"\(first)\" What contrasting point does it make next?", answer: second)
                case .reason, .unrelated:
                    return QAPair(question: "According to the text, why is it that \(TaskMiner.uncapitalized(TaskMiner.unterminated(first)))?",
                                  answer: "Because \(TaskMiner.uncapitalized(second))")
                }
            }
        }
    }

    func relationChoiceTasks() -> [TaskCandidate] {
        connectedStatements().map { first, second, relation in
            TaskCandidate { generator in
                var options = Relation.allCases.map(\.rawValue)
                options.shuffle(using: &generator)
                let question = "How are these two statements from the text related?\nFirst: \"\(first)\"\nSecond: \"\(second)\""
                    + PairAnalysis.optionsHeader + options.joined(separator: PairAnalysis.optionSeparator)
                return QAPair(question: question, answer: relation.rawValue)
            }
        }
    }

    func conditionTasks() -> [TaskCandidate] {
        conditionals().map { condition, outcome, _ in
            TaskCandidate { _ in
                QAPair(question: "According to the text, what happens if \(condition)?", answer: TaskMiner.terminated(TaskMiner.capitalized(outcome)))
            }
        }
    }

    /// "If X, Y." sentences as (X, Y, the sentence).
    func conditionals() -> [(condition: String, outcome: String, sentence: String)] {
        sentences.compactMap { sentence in
            guard sentence.text.hasPrefix("If "), let comma = sentence.text.firstIndex(of: ",") else { return nil }
            let condition = String(sentence.text[sentence.text.index(sentence.text.startIndex, offsetBy: 3)..<comma])
            let outcome = TaskMiner.unterminated(String(sentence.text[sentence.text.index(after: comma)...]).trimmingPrefix(" ").description)
            guard TaskMiner.wordCount(condition) >= 2, TaskMiner.wordCount(outcome) >= 3 else { return nil }
            return (condition, outcome, sentence.text)
        }
    }

    // MARK: - Paraphrase and truth

    func paraphraseTasks() -> [TaskCandidate] {
        conditionals().flatMap { condition, outcome, sentence -> [TaskCandidate] in
            let paraphrase = TaskMiner.capitalized(outcome) + " if " + condition + "."
            let rewrite = TaskCandidate { _ in
                QAPair(question: "Rephrase this sentence from the text, keeping its meaning: \"\(sentence)\"", answer: paraphrase)
            }
            let same = TaskCandidate { generator in
                let negated = TaskMiner.negated(outcome).map { TaskMiner.capitalized($0) + " if " + condition + "." }
                let isSame = negated == nil || generator.next() % 2 == 0
                let other = isSame ? paraphrase : (negated ?? paraphrase)
                return QAPair(question: "Do these two sentences mean the same?\n\"\(sentence)\"\n\"\(other)\""
                                  + PairAnalysis.optionsHeader + "yes" + PairAnalysis.optionSeparator + "no",
                              answer: isSame ? "yes" : "no")
            }
            return [rewrite, same]
        }
    }

    func truthTasks() -> [TaskCandidate] {
        sentences.compactMap { sentence in
            guard let negated = TaskMiner.negated(sentence.text), TaskMiner.wordCount(sentence.text) <= 35 else { return nil }
            return TaskCandidate { generator in
                let isTrue = generator.next() % 2 == 0
                var options = ["true", "false"]
                options.shuffle(using: &generator)
                return QAPair(question: "Based on the text, is this statement true or false? \"\(isTrue ? sentence.text : negated)\""
                                  + PairAnalysis.optionsHeader + options.joined(separator: PairAnalysis.optionSeparator),
                              answer: isTrue ? "true" : "false")
            }
        }
    }

    // MARK: - Chain of thought

    /// "In which section is X first mentioned?" with the reasoning spelled out.
    func locationTasks() -> [TaskCandidate] {
        let headed = document.sections.enumerated().filter { $0.element.heading != nil && !$0.element.paragraphs.isEmpty }
        guard headed.count >= 2 else { return [] }
        var firstSection: [String: (section: Int, sentence: String)] = [:]
        var order: [String] = []
        for sentence in sentences where document.sections[sentence.section].heading != nil {
            for word in sentence.contentWords where word.count >= 6 && firstSection[word] == nil {
                firstSection[word] = (sentence.section, sentence.text)
                order.append(word)
            }
        }
        let headings = headed.compactMap(\.element.heading)
        return order.compactMap { word in
            guard let (section, sentence) = firstSection[word], let heading = document.sections[section].heading,
                  TaskMiner.wordCount(sentence) <= 40 else { return nil }
            return TaskCandidate { _ in
                let list = headings.count <= 8 ? headings.joined(separator: ", ") : headings.prefix(8).joined(separator: ", ") + ", ..."
                return QAPair(
                    question: "In which section of the text is \"\(word)\" first mentioned?" + PairAnalysis.stepByStep,
                    answer: "The text has the sections \(list). Reading them in order, \"\(word)\" first appears in the sentence \"\(sentence)\", which is in the \(heading) section."
                        + PairAnalysis.therefore + heading)
            }
        }
    }

    // MARK: - Helpers

    static let pronouns: Set<String> = ["it", "this", "that", "there", "he", "she", "they", "which", "what", "here", "these", "those"]

    static func isClean(_ pair: QAPair) -> Bool {
        !pair.answer.isEmpty && SynthesizerFormat.markers.allSatisfy { !PythonString.contains(pair.question, $0) && !PythonString.contains(pair.answer, $0) }
    }

    /// A sentence worth asking about: several words, mostly letters, not a code fragment.
    static func isProse(_ sentence: String) -> Bool {
        let count = wordCount(sentence)
        guard count >= 4, count <= 60, !sentence.contains("\\"), !sentence.contains("$ "), !sentence.contains("=") else { return false }
        var letters = 0
        var total = 0
        var hasLowercase = false
        for scalar in sentence.unicodeScalars where scalar != " " {
            total += 1
            if scalar.isASCII {
                if ("a"..."z").contains(scalar) { letters += 1; hasLowercase = true } else if ("A"..."Z").contains(scalar) { letters += 1 }
            } else if scalar.properties.isAlphabetic {
                letters += 1
                if scalar.properties.isLowercase { hasLowercase = true }
            }
        }
        return total > 0 && Double(letters) / Double(total) >= 0.7 && hasLowercase
    }

    /// Words separated by spaces (runs of spaces count once).
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            if byte == 0x20 { inWord = false } else if !inWord { inWord = true; count += 1 }
        }
        return count
    }

    static func strip(opener candidates: [String], from sentence: String) -> String? {
        for opener in candidates where sentence.hasPrefix(opener) {
            let rest = String(sentence.dropFirst(opener.count))
            return wordCount(rest) >= 3 ? capitalized(rest) : nil
        }
        return nil
    }

    static func capitalized(_ text: String) -> String {
        guard let first = text.first, first.isLowercase else { return text }
        return first.uppercased() + text.dropFirst()
    }

    /// Lower-cases a leading capital unless the word looks like a name or acronym (second letter upper).
    static func uncapitalized(_ text: String) -> String {
        let characters = Array(text.prefix(2))
        guard characters.count == 2, characters[0].isUppercase, !characters[1].isUppercase else { return text }
        return characters[0].lowercased() + text.dropFirst()
    }

    static func terminated(_ text: String) -> String {
        guard let last = text.last else { return text }
        return last == "." || last == "!" || last == "?" ? text : text + "."
    }

    static func unterminated(_ text: String) -> String {
        guard let last = text.last, last == "." || last == "!" || last == "?" else { return text }
        return String(text.dropLast())
    }

    static let auxiliaries: Set<String> = ["is", "are", "was", "were", "can", "will", "should", "must", "may", "does", "do", "has", "have"]

    /// The sentence with its first auxiliary verb negated ("is" → "is not"), or its first "not"
    /// removed; nil when it has neither.
    static func negated(_ sentence: String) -> String? {
        var words = sentence.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices.dropFirst() {
            if words[index] == "not" && index > 0 && auxiliaries.contains(words[index - 1].lowercased()) {
                words.remove(at: index)
                return words.joined(separator: " ")
            }
            if auxiliaries.contains(words[index]) && index + 1 < words.count && words[index + 1] != "not" {
                words.insert("not", at: index + 1)
                return words.joined(separator: " ")
            }
        }
        return nil
    }
}
