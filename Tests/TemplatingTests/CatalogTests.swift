import Foundation
import Testing
@testable import Templating

@Suite struct CatalogTests {
    @Test func builtInCatalogLoadsWithEveryFamilyAndManyCombinations() throws {
        let catalog = try TemplateCatalog.embedded()
        // Chain separators are newlines only, as in the reference, so there are few of them.
        for family in TemplateFamily.allCases where family != .chainSeparator {
            #expect(catalog.templates(of: family).count >= 6, "family \(family.rawValue)")
        }
        #expect(catalog.templates(of: .chainSeparator).count >= 3)
        for family in [TemplateFamily.qaPlain, .qaOptions, .qaCot, .optionStyle] {
            #expect(catalog.templates(of: family).count >= 20, "family \(family.rawValue)")
        }
        #expect(catalog.all.count >= 200)
        #expect(catalog.classicCombinations > 1e9)
        // Ids are provisional 1...n in catalog order; hashes are distinct.
        #expect(catalog.all.map(\.id) == Array(1...Int64(catalog.all.count)))
        #expect(Set(catalog.all.map(\.sha256)).count == catalog.all.count)
    }

    func parse(_ json: String, file: String = "bad.json") throws -> TemplateCatalog {
        try TemplateCatalog.parse(files: catalogFiles.filter { $0.name != file } + [(file, json)])
    }

    @Test func unknownPlaceholderIsRejectedAtLoadNamingFileTemplateAndPart() throws {
        let json = #"{"family": "qa_plain", "version": 1, "templates": [{"name": "oops", "body": {"question_label": "", "question": "{question} {topic}", "joiner": "", "answer_label": "", "answer": "{answer}"}}]}"#
        #expect(throws: TemplateError.unknownPlaceholder(file: "extra.json", template: "oops", part: "question", placeholder: "topic", allowed: ["question"])) {
            try parse(json, file: "extra.json")
        }
        let message = TemplateError.unknownPlaceholder(file: "extra.json", template: "oops", part: "question", placeholder: "topic", allowed: ["question"]).localizedDescription
        #expect(message.contains("templates/extra.json") && message.contains("\"oops\"") && message.contains("{topic}"))
    }

    @Test func placeholderInALiteralOnlyPartIsRejected() throws {
        let json = #"{"family": "text_start", "version": 1, "templates": [{"name": "with-text", "text": "Read {text}"}]}"#
        #expect(throws: TemplateError.unknownPlaceholder(file: "extra.json", template: "with-text", part: "text", placeholder: "text", allowed: [])) {
            try parse(json, file: "extra.json")
        }
    }

    @Test func droppingContentIsRejected() throws {
        let json = #"{"family": "qa_options", "version": 1, "templates": [{"name": "no-options", "body": {"question_label": "", "question": "{question}", "joiner": "", "answer_label": "", "answer": "{answer}"}}]}"#
        #expect(throws: TemplateError.missingPlaceholder(file: "extra.json", template: "no-options", part: "question", placeholder: "options")) {
            try parse(json, file: "extra.json")
        }
    }

    @Test func malformedFilesAndTemplatesNameTheirFile() throws {
        #expect(throws: TemplateError.self) { try parse("{\"family\": \"qa_plain\", ", file: "broken.json") }
        do {
            _ = try parse("{\"family\": \"qa_plain\", ", file: "broken.json")
        } catch {
            #expect(error.localizedDescription.contains("templates/broken.json"))
        }
        #expect(throws: TemplateError.malformedFile(file: "x.json", reason: "unknown family \"qa_nothing\"; known: \(TemplateFamily.allCases.map(\.rawValue).joined(separator: ", "))")) {
            try parse(#"{"family": "qa_nothing", "version": 1, "templates": []}"#, file: "x.json")
        }
        #expect(throws: TemplateError.malformedTemplate(file: "x.json", template: "unclosed", reason: "part \"text\": \"{\" at character 5 is never closed (write {{ for a literal brace)")) {
            try parse(#"{"family": "text_end", "version": 1, "templates": [{"name": "unclosed", "text": "\nEnd {"}]}"#, file: "x.json")
        }
        #expect(throws: TemplateError.malformedTemplate(file: "x.json", template: "short", reason: "missing part \"joiner\"")) {
            try parse(#"{"family": "qa_plain", "version": 1, "templates": [{"name": "short", "body": {"question_label": "", "question": "{question}", "answer_label": "", "answer": "{answer}"}}]}"#, file: "x.json")
        }
        #expect(throws: TemplateError.duplicateTemplate(file: "x.json", template: "article", family: "text_start", version: 1)) {
            try parse(#"{"family": "text_start", "version": 1, "templates": [{"name": "article", "text": "Article:\n"}]}"#, file: "x.json")
        }
    }

    @Test func optionStylesMustNameASchemeAndCannotAnswerByAMissingName() throws {
        let unknownScheme = #"{"family": "option_style", "version": 1, "templates": [{"name": "greek", "body": {"start": "", "names": "greek", "item": "{name} {option}", "item_separator": "\n", "end": "", "answer": "{name}"}}]}"#
        #expect(throws: TemplateError.self) { try parse(unknownScheme, file: "x.json") }
        let bulletByName = #"{"family": "option_style", "version": 1, "templates": [{"name": "bullets", "body": {"start": "", "names": "none", "item": "- {option}", "item_separator": "\n", "end": "", "answer": "{name}"}}]}"#
        #expect(throws: TemplateError.malformedTemplate(file: "x.json", template: "bullets", reason: "options named \"none\" have no {name} to show; use {option}")) {
            try parse(bulletByName, file: "x.json")
        }
    }

    @Test func everyFamilyNeedsATemplate() throws {
        let files = catalogFiles.filter { $0.name != "pair_separator.json" }
        #expect(throws: TemplateError.emptyFamily(family: "pair_separator")) { try TemplateCatalog.parse(files: files) }
    }

    @Test func optionNamingSchemes() {
        #expect((0..<3).map(OptionNaming.upperLetters.name(at:)) == ["A", "B", "C"])
        #expect(OptionNaming.upperLetters.name(at: 26) == "AA")
        #expect(OptionNaming.lowerLetters.name(at: 27) == "ab")
        #expect((0..<4).map(OptionNaming.lowerRoman.name(at:)) == ["i", "ii", "iii", "iv"])
        #expect(OptionNaming.upperRoman.name(at: 8) == "IX")
        #expect(OptionNaming.numbers.name(at: 9) == "10")
    }
}
