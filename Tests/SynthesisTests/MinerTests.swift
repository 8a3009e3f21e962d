import SynthesizerText
import Testing
@testable import Synthesis
@testable import SynthesisBackends
import Randomness

@Suite struct MinerTests {
    static let manPage = """
        ZIPPER(1)                     General Commands Manual                     ZIPPER(1)

        NAME
               zipper - a small file compressor for archives

        DESCRIPTION
               Zipper compresses files using block sorting and Huffman coding. The compressed files keep
               their modification dates. Therefore, the original dates can be restored after decompression.
               If the output file already exists, zipper refuses to overwrite it. Compression is slower than
               gzip because block sorting needs more memory. However, the compressed archives are smaller
               than gzip archives.

        OPTIONS
               -k --keep
                      Keep the input files after compressing them.

               -f --force
                      Force overwrite of output files that already exist.

        NOTES
               Zipper archives are portable between machines. Large archives need more memory to decompress.
        """

    let parameters = SamplingParameters(maxNewTokens: 400, temperature: 0, seed: 7)

    func mine(_ text: String, stream: Int64 = 1, parameters: SamplingParameters? = nil, miner: ReadingComprehensionMiner = ReadingComprehensionMiner()) throws -> String {
        let results = try miner.complete([SynthesisPrompt(stream: stream, prompt: SynthesizerFormat.read(text))], parameters: parameters ?? self.parameters)
        return try results[0].get().text
    }

    @Test func documentStructureIsRecognized() {
        let document = ReadingDocument(MinerTests.manPage)
        #expect(document.title == "ZIPPER(1)")
        #expect(document.sections.compactMap(\.heading) == ["NAME", "DESCRIPTION", "OPTIONS", "NOTES"])
        #expect(document.definitions.contains(ReadingDocument.DefinitionItem(term: "-k --keep", description: "Keep the input files after compressing them.")))
        #expect(SentenceSplitter.sentences(in: "It works, e.g. here. Then J. Smith stops. Done") == ["It works, e.g. here.", "Then J. Smith stops.", "Done"])
    }

    @Test func outputIsInTheSynthesizerFormatAndParsesWhole() throws {
        let output = try mine(MinerTests.manPage)
        let pairs = SynthesizerOutputParser.parse(output)
        #expect(pairs.count == 5)
        #expect(SynthesizerFormat.comprehension(pairs) == output)
        #expect(output.hasSuffix("</END>"))
    }

    @Test func sameSeedAndStreamGiveTheSameOutputOthersDiffer() throws {
        let first = try mine(MinerTests.manPage)
        #expect(try mine(MinerTests.manPage) == first)
        let others = try (1...6).map { try mine(MinerTests.manPage, stream: Int64($0) + 100) }
        #expect(others.contains { $0 != first })
    }

    @Test func minesEveryTaskKindAcrossSeeds() throws {
        var kinds: Set<PairKind> = []
        var questions: [String] = []
        for stream in 0..<40 {
            for pair in SynthesizerOutputParser.parse(try mine(MinerTests.manPage, stream: Int64(stream))) {
                kinds.insert(PairAnalysis(pair).kind)
                questions.append(pair.question)
            }
        }
        #expect(kinds.isSuperset(of: [.plain, .options, .cot]))
        #expect(!kinds.contains(.unusable))
        #expect(questions.contains("What does the option -k --keep do?"))
        #expect(questions.contains("According to the text, what happens if the output file already exists?"))
        #expect(questions.contains { $0.hasPrefix("How are these two statements from the text related?") })
    }

    @Test func chainOfThoughtAnswerNamesTheRightSection() throws {
        let tasks = TaskMiner(document: ReadingDocument(MinerTests.manPage)).locationTasks()
        var generator = SeededGenerator(seed: 0, stream: 0)
        let pairs = tasks.map { $0.build(&generator) }
        let portable = try #require(pairs.first { $0.question.contains("\"portable\"") })
        #expect(PairAnalysis(portable).finalAnswer == "NOTES")
    }

    @Test func outputStaysWithinMaxNewTokens() throws {
        let small = SamplingParameters(maxNewTokens: 60, temperature: 0, seed: 7)
        let output = try mine(MinerTests.manPage, parameters: small)
        #expect(ChainPlanner.estimatedLength(output) <= 60)
        #expect(try mine("Nothing here", parameters: small) == "")
    }

    @Test func minesOnlyTheCurrentReadingOfAChainedPrompt() {
        let prompt = SynthesizerFormat.entry(text: "Earlier text.", pairs: [QAPair(question: "Q", answer: "A")]) + SynthesizerFormat.read("Current text.")
        #expect(ReadingComprehensionMiner.currentReading(of: prompt) == "Current text.")
    }
}
