import FoundationEssentials
import Primitives
import TaggerCommandLine

// The three entry points (Lambda, invoke, reconcile); everything else lives in the modules.
LargeAllocations.returnToTheSystemWhenFreed()
let environment = ProcessInfo.processInfo.environment
let command: Command
do {
    command = try Command.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    Output.fail("\(error)\nRun 'aws-userid-tagger --help' for usage.", code: 2)
}

switch command {
case .help:
    Output.printLine(Command.usage)
case .version:
    Output.printLine("\(Product.name) \(Product.version)")
case .lambda:
    LambdaEntry.run(environment: environment)
case .invoke(let eventPath, let dryRun, let timeout):
    LocalEntry.invoke(eventPath: eventPath, dryRun: dryRun, timeout: timeout, environment: environment)
case .reconcile(let region, let dryRun, let timeout):
    LocalEntry.reconcile(region: region, dryRun: dryRun, timeout: timeout, environment: environment)
}
