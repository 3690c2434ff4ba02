import BrokerCommands

#if canImport(Glibc)
    import Glibc
#endif

let code = await BrokerMain.run(CommandLine.arguments, environment: ProcessEnvironment.current())
exit(code)
