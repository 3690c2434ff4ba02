/// Commands whose issues have not landed yet: listed in help, exit 1 with a note.
enum NotYet {
    static func fail(_ command: String) -> CommandFailure {
        CommandFailure(ExitCode.failure, "'\(command)' is not available yet in this version")
    }
}

