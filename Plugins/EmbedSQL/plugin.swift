import Foundation
import PackagePlugin

/// Embeds the package's data folders (`migrations/`, `queries/`, `templates/`) into the target
/// that owns them as a generated Swift file, so an installed `ipt` never reads them from the
/// working directory. Which folders a target embeds is decided by the target's name.
@main
struct EmbedSQL: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folders: [(name: String, enumName: String)]
        switch target.name {
        case "Store": folders = [("migrations", "EmbeddedMigrations"), ("queries", "EmbeddedQueries")]
        case "Templating": folders = [("templates", "EmbeddedTemplates")]
        default: return []
        }
        let tool = try context.tool(named: "EmbedSQLTool")
        var commands: [Command] = []
        for folder in folders {
            let directory = context.package.directoryURL.appending(path: folder.name)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            let inputs = names.sorted()
                .filter { !$0.hasPrefix(".") }
                .map { directory.appending(path: $0) }
            let output = context.pluginWorkDirectoryURL.appending(path: "\(folder.enumName).swift")
            commands.append(.buildCommand(
                displayName: "Embedding \(folder.name)/ into \(target.name)",
                executable: tool.url,
                arguments: [folder.enumName, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]))
        }
        return commands
    }
}
