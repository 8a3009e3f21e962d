import Testing
@testable import Templating

@Suite struct PatternTests {
    @Test func placeholdersAndLiteralBraces() throws {
        let pattern = try Pattern(parsing: "Q{{x}}: {question}\n{answer}")
        #expect(pattern.placeholders == ["question", "answer"])
        #expect(pattern.fill { $0.uppercased() } == "Q{x}: QUESTION\nANSWER")
    }

    @Test func syntaxErrorsAreReported() {
        #expect(throws: Pattern.SyntaxError.unclosedBrace(offset: 3)) { try Pattern(parsing: "ab {c") }
        #expect(throws: Pattern.SyntaxError.strayClosingBrace(offset: 1)) { try Pattern(parsing: "a}b") }
        #expect(throws: Pattern.SyntaxError.emptyPlaceholder(offset: 0)) { try Pattern(parsing: "{}") }
    }
}
